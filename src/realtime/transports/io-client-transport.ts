import type { Socket } from 'socket.io';
import { type ClientTransport, type CloseListener, closeListenerFunction } from '../connection/client-transport.js';
import { unsentBytes } from '../internals/outgoing-bound.js';

/** What one `send` carries on socket.io: an event and its one argument. */
export interface IoFrame {
  event: string;
  data: unknown;
}

/** The close listener of a socket's transport, kept on the socket for the one 'disconnect' listener all share. */
const CLOSE_LISTENER = Symbol('closeListener');

type ClosingSocket = Socket & { [CLOSE_LISTENER]?: CloseListener };

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

  /**
   * socket.io emits 'disconnect' once per socket (a closed socket's `_onclose` returns early), so the listener is
   * added with `on`, not `once` (no wrapper), and the first one is one function for all sockets, reading the
   * listener off the socket (no closure per socket).
   */
  onClose(listener: CloseListener): void {
    const socket = this.socket as ClosingSocket;
    if (socket[CLOSE_LISTENER] !== undefined) return void socket.on('disconnect', closeListenerFunction(listener));
    socket[CLOSE_LISTENER] = listener;
    socket.on('disconnect', disconnected);
  }
}

function disconnected(this: ClosingSocket): void {
  const listener = this[CLOSE_LISTENER]!;
  if (typeof listener === 'function') listener();
  else listener.connectionClosed();
}
