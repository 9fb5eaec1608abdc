import type { EventEmitter } from 'node:events';
import type { Socket as EngineSocket } from 'engine.io';
import type { WrittenAgainst } from './written-against.js';

export const WRITTEN_AGAINST: WrittenAgainst = { 'engine.io': '6.6.12' };

/**
 * Where to wait for an Engine.IO session's end, for a listener of our own: a session opened over WebSocket never
 * changes transport and ends with its TCP connection, whose 'close' listeners (`ws`'s, engine.io's upgrade response,
 * Nest's connection tracking) are an array already; any other session, itself. The session's own 'close' has two
 * listeners of engine.io's and socket.io's, and Node grows an emitter's array from two to nineteen slots at a third,
 * which it then keeps for the session's life. Call it from engine.io's `connection` event, while the session still
 * has its handshake request.
 */
export function sessionEnd(session: EngineSocket): EventEmitter {
  return session.transport.name === 'websocket' ? session.request.socket : session;
}
