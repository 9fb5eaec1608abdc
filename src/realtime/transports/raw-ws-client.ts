import type { Logger, WebSocketAdapter } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import { type RawData, WebSocket, type WebSocketServer } from 'ws';
import { describeFault } from '../../common/refusal.js';
import { type CloseListener, closeListenerFunction } from '../connection/client-transport.js';
import type { HeartbeatSocket, RawWsHeartbeat } from '../connection/raw-ws-heartbeat.js';

export type MessageHandlers = Parameters<WebSocketAdapter['bindMessageHandlers']>[1];

/** Turns a received frame into Nest's `{event, data}`; undefined drops the frame (the connection stays open). */
export type FrameParser = (frame: string | Buffer) => { event: string; data: unknown } | undefined;

/**
 * A gateway's handler for one event's frames, called straight from the socket's listener. It answers its own
 * failures (through the gateway's exception filter, say): nothing it throws or rejects with reaches Nest.
 */
export type DirectFrameHandler = (client: WebSocket, data: unknown) => void;

/** One raw-ws gateway's server as RawWsAdapter made it, and what its connections' shared listeners use. */
export interface Endpoint {
  name: string;
  path: string;
  parser: FrameParser;
  server: WebSocketServer;
  heartbeat: RawWsHeartbeat | null;
  /**
   * Its open connections, kept here rather than by `ws` (`clientTracking: false`): `ws` adds a 'close' closure of its
   * own to each connection for its list, and a second listener makes the emitter keep an array of them.
   */
  clients: Set<RawWsClient>;
  direct: Map<string, DirectFrameHandler>;
  /** Its gateway's close handler, when the gateway takes its closes directly (`handleClosesDirectly`). */
  closed: ((client: WebSocket) => void) | null;
  /** The one error listener of all its connections. */
  onError: (error: Error & { code?: string }) => void;
  log: Logger;
}

/**
 * A RawWsAdapter connection (its servers' `WebSocket` class, `rawWsClientClass`). What the adapter and the
 * connection core know of it is kept on the socket itself, and the listeners they add are shared by every
 * connection (each called with its socket as `this`): a connection costs no map entry, closure or grown listener
 * array of its own for them. All of ours together are its one 'close' listener (`onClientClose`; its endpoint keeps
 * the list of open connections that `ws` would keep with a listener of its own): an emitter holds a second listener
 * in an array, which grows from two to nineteen slots with a third, on this socket and on its TCP socket alike
 * (which is why the handshake's release runs from here too rather than from the TCP socket's 'close').
 */
export interface RawWsClient extends HeartbeatSocket {
  readonly endpoint: Endpoint;
  /** What Nest handles of its frames (`bindMessageHandlers`): its `@SubscribeMessage` handlers, bound to it. */
  handlers: MessageHandlers;
  /** The connection core's close listener (`whenClosed`), run once it closes, after the heartbeat forgets it. */
  ended: CloseListener | null;
  /**
   * Nest's disconnect hook (`bindClientDisconnect`), run after `ended`; never set on a connection whose gateway takes
   * its closes directly (the endpoint's `closed` runs in its place).
   */
  disconnected: ((...args: unknown[]) => void) | null;
  /** Gives back what its handshake's checks took (connection caps), run last. */
  released: (() => void) | null;
}

const NO_HANDLERS: MessageHandlers = [];

export function rawWsClientClass(base: typeof WebSocket, endpoint: Endpoint): typeof WebSocket {
  return class RawWsSocket extends base implements RawWsClient {
    readonly endpoint = endpoint;
    heartbeatSlice = 0;
    handlers = NO_HANDLERS;
    ended: CloseListener | null = null;
    disconnected: ((...args: unknown[]) => void) | null = null;
    released: (() => void) | null = null;
  };
}

export function isRawWsClient(socket: WebSocket): socket is RawWsClient {
  return 'disconnected' in socket && 'endpoint' in socket;
}

/**
 * Runs `listener` once `socket` closes: on a RawWsAdapter connection from its one shared listener (the first
 * listener given; a second gets a listener of its own), on any other socket as a 'close' listener.
 */
export function whenClosed(socket: WebSocket, listener: CloseListener): void {
  if (isRawWsClient(socket) && socket.ended === null) socket.ended = listener;
  else socket.on('close', closeListenerFunction(listener));
}

/** Every RawWsAdapter connection's 'close' listener, added when it is accepted: in the order they were added. */
export function onClientClose(this: WebSocket, ...args: unknown[]): void {
  const client = this as RawWsClient;
  client.endpoint.clients.delete(client);
  client.endpoint.heartbeat?.untrack(client);
  const { ended } = client;
  if (typeof ended === 'function') ended();
  else ended?.connectionClosed();
  client.disconnected?.(...args);
  client.endpoint.closed?.(client);
  client.released?.();
}

/** Every RawWsAdapter connection's frame listener: its endpoint's direct handlers, then Nest's. */
export function onFrame(this: WebSocket, raw: RawData, isBinary: boolean): void {
  const client = this as RawWsClient;
  const { endpoint } = client;
  const message = endpoint.parser(isBinary ? toBuffer(raw) : raw.toString());
  if (!message) return;
  const direct = endpoint.direct.get(message.event);
  if (direct) return direct(client, message.data);
  const handler = client.handlers.find((candidate) => candidate.message === message.event);
  if (handler) void reply(client, () => handler.callback(message.data, message.event));
}

async function reply(client: RawWsClient, run: () => unknown): Promise<void> {
  try {
    const result = await run();
    const response = isObservable(result) ? await lastValueFrom(result, { defaultValue: undefined }) : result;
    if (response !== undefined && response !== null && client.readyState === WebSocket.OPEN)
      client.send(JSON.stringify(response));
  } catch (error) {
    // The gateway's exception filter has answered the client; what reaches here is a filter's own failure.
    client.endpoint.log.error(`handler failed: ${describeFault(error)}`);
  }
}

function toBuffer(raw: RawData): Buffer {
  return Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as ArrayBuffer);
}
