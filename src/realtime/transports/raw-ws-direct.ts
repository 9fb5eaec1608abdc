import type { WebSocket, WebSocketServer } from 'ws';
import type { DirectFrameHandler, Endpoint } from './raw-ws-client.js';

// What a raw-ws gateway may take off Nest's path, by the server its `afterInit` gets: frames of some events, and its
// connections' closes (raw-ws-client.ts runs them from each connection's shared listeners).

/** Each RawWsAdapter server's endpoint. */
const endpointOfServer = new WeakMap<WebSocketServer, Endpoint>();

/** Called by RawWsAdapter for each server it makes. */
export function registerEndpoint(server: WebSocketServer, endpoint: Endpoint): void {
  endpointOfServer.set(server, endpoint);
}

/** The endpoint of a server RawWsAdapter made. */
export function endpointOf(server: WebSocketServer): Endpoint | undefined {
  return endpointOfServer.get(server);
}

/**
 * Takes `event`'s frames on a RawWsAdapter server (the one a gateway's `afterInit` gets) off Nest's per-frame path
 * (an exception zone, guards, interceptors and the global pipes, each a promise per frame, and a handler bound to
 * each connection), for a gateway's busiest events or all of them; the gateway must not also `@SubscribeMessage` it.
 * Its other events still go through Nest.
 */
export function handleFramesDirectly(server: WebSocketServer, event: string, handler: DirectFrameHandler): void {
  endpointFor(server, 'handleFramesDirectly').direct.set(event, handler);
}

/**
 * Runs `handler` with each connection of a RawWsAdapter server once it has closed, after the connection core's close
 * listener, in place of Nest's disconnect hook: Nest binds every connection a closure of its own for that hook, which
 * a connection would keep as long as it lives. The gateway must not also implement `handleDisconnect` (Nest's hook is
 * not kept).
 */
export function handleClosesDirectly(server: WebSocketServer, handler: (client: WebSocket) => void): void {
  endpointFor(server, 'handleClosesDirectly').closed = handler;
}

/** The endpoint of a server a gateway hands to `caller`, which only a RawWsAdapter server has. */
function endpointFor(server: WebSocketServer, caller: string): Endpoint {
  const endpoint = endpointOf(server);
  if (!endpoint) throw new Error(`${caller}: a server RawWsAdapter did not create`);
  return endpoint;
}
