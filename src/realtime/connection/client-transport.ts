import { randomBase64url } from '../../common/random-strings.js';

/**
 * Why the connection core closes a connection; each transport says it in its own protocol's words. `removed`: what
 * it was open for is gone (its lobby's app was deleted).
 */
export type CloseCause = 'auth_deadline' | 'queue_overflow' | 'revoked' | 'removed';

/**
 * The one seam between the connection core (Sessions) and a transport: what the core needs of a client's
 * connection, whatever carries it. socket.io sockets (IoClientTransport), raw WebSockets (WsClientTransport) and
 * Server-Sent-Events responses (SseClientTransport) implement it; a gateway on another transport implements it
 * once and gets the whole session lifecycle (sessions.ts). `Frame` is what one `send` carries on that transport.
 */
export interface ClientTransport<Frame = unknown> {
  /** The connection's id: the one the bus's `exceptConnection` and the logs name. */
  readonly id: string;
  /** The client's address (ClientAddresses: behind trusted proxies, the client's own). */
  readonly address: string;
  /** The Origin header of the request that opened it, if it had one. */
  readonly origin: string | undefined;
  readonly isOpen: boolean;
  /** Bytes written to it that the peer has not read yet. */
  readonly bufferedBytes: number;
  /** Sends one frame if the connection is open; nothing otherwise. */
  send(frame: Frame): void;
  /**
   * Runs `write`, whose frames leave together (one system call) where the transport can batch them; without it,
   * each frame `write` sends leaves on its own.
   */
  together?(write: () => void): void;
  close(cause: CloseCause): void;
  /** Runs `listener` once, when the connection has closed (whoever closed it). */
  onClose(listener: CloseListener): void;
}

/**
 * What a transport runs once its connection has closed: a function, or an object's `connectionClosed` method (the
 * connection core's session is one: no closure per connection).
 */
export type CloseListener = (() => void) | { connectionClosed(): void };

/** `listener` as a function, for a transport that hands it to an event emitter. */
export function closeListenerFunction(listener: CloseListener): () => void {
  return typeof listener === 'function' ? listener : () => listener.connectionClosed();
}

/**
 * A new connection's id: 128 random bits, URL-safe. One flat string made natively: a `randomUUID()` string is a
 * tree of some twenty concatenations that V8 keeps as it is, about 0.4 KB per connection for as long as it lives.
 */
export function newConnectionId(): string {
  return randomBase64url(16);
}
