import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Server as Engine } from 'engine.io';
import type { WrittenAgainst } from './written-against.js';

export const WRITTEN_AGAINST: WrittenAgainst = { 'engine.io': '6.6.12' };

/**
 * What engine.io 6 makes of the response to a WebSocket upgrade (its private `WebSocketResponse`): an emitter holding
 * the request, and a 'close' listener on the TCP socket that holds the response, so the request (its headers and
 * stream state) lives as long as the connection does, though nothing reads it once the upgrade is answered.
 */
interface UpgradeResponse {
  req?: IncomingMessage;
  writeHead(): void;
}

/**
 * Lets an upgrade's response forget its request once engine.io answers the upgrade (`writeHead`, called after the
 * middlewares and `allowRequest` have run and before `ws` completes the handshake, which reads the response headers
 * off the request itself). Every session that uses the WebSocket transport, opened on it or upgraded from polling,
 * then costs no IncomingMessage for its life.
 */
export function releaseUpgradeRequests(engine: Engine): void {
  engine.use((_request: IncomingMessage, response: ServerResponse | UpgradeResponse, next: () => void) => {
    if (!(response instanceof ServerResponse)) response.writeHead = forgetRequest;
    next();
  });
}

function forgetRequest(this: UpgradeResponse): void {
  this.req = undefined;
}
