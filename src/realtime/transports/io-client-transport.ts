import type { Socket } from 'socket.io';
import { type ClientTransport, type CloseListener, closeListenerFunction } from '../connection/client-transport.js';
import { unsentBytes } from '../internals/outgoing-bound.js';

/** What one `send` carries on socket.io: an event and its one argument. */
export interface IoFrame {
  event: string;
  data: unknown;
}

/** A socket.io socket as the connection core sees it (client-transport.ts). Every close is a server disconnect. */
export class IoClientTransport implements ClientTransport<IoFrame> {
  constructor(
    private readonly socket: Socket,
    readonly address: string,
  ) {}

  get id(): string {
    return this.socket.id;
  }

  get origin(): string | undefined {
    return this.socket.handshake.headers.origin;
  }

  get isOpen(): boolean {
    return this.socket.connected;
  }

  get bufferedBytes(): number {
    return unsentBytes(this.socket.conn);
  }

  send(frame: IoFrame): void {
    if (this.socket.connected) this.socket.emit(frame.event, frame.data);
  }

  close(): void {
    this.socket.disconnect(true);
  }

  onClose(listener: CloseListener): void {
    this.socket.once('disconnect', closeListenerFunction(listener));
  }
}
