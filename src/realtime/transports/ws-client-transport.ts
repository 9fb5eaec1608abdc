import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import {
  type ClientTransport,
  type CloseCause,
  type CloseListener,
  newConnectionId,
} from '../connection/client-transport.js';
import type { ClientAddresses } from '../limits/client-addresses.js';
import { corkedWrites } from '../internals/ws-corking.js';
import { whenClosed } from './raw-ws-client.js';

/** Each cause's close frame: 1008 (policy violation), with a reason a person reading a trace understands. */
const REASONS: Record<CloseCause, string> = {
  auth_deadline: 'auth deadline passed',
  queue_overflow: 'too many requests in flight',
  revoked: 'credentials changed',
  removed: 'removed',
};

/**
 * A raw WebSocket as the connection core sees it (client-transport.ts). A frame that is a string is sent as it is;
 * anything else as its JSON.
 */
export class WsClientTransport implements ClientTransport<unknown> {
  readonly id = newConnectionId();

  /** The transport of a raw-ws gateway's new connection (`handleConnection(socket, request)`). */
  static of(socket: WebSocket, request: IncomingMessage, addresses: ClientAddresses): WsClientTransport {
    return new WsClientTransport(socket, addresses.ofRequest(request), request.headers.origin);
  }

  constructor(
    private readonly socket: WebSocket,
    readonly address: string,
    readonly origin: string | undefined,
  ) {}

  get isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  get bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  send(frame: unknown): void {
    if (this.isOpen) this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  together(write: () => void): void {
    corkedWrites(this.socket, write);
  }

  close(cause: CloseCause): void {
    this.socket.close(1008, REASONS[cause]);
  }

  onClose(listener: CloseListener): void {
    // 'close' comes once: no `once` wrapper; a RawWsAdapter connection's shared close listener runs it.
    whenClosed(this.socket, listener);
  }
}
