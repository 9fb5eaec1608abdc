import type { Socket as EngineSocket } from 'engine.io';
import type { WrittenAgainst } from './written-against.js';

export const WRITTEN_AGAINST: WrittenAgainst = { 'engine.io': '6.6.12' };

/**
 * Engine.IO 4 counts any `pong` as the answer to its ping, and a pong that answers nothing still postpones the
 * next ping: a peer sending pongs on its own never has to read a ping, so a dead or stalled reader looks alive
 * for ever. Clients answer pings and do nothing else, so a pong while no ping is outstanding closes the session.
 * (Engine.IO 3 clients send the pings themselves; nothing to check there.) Returns what watches one session: every
 * session it watches shares one listener (the session is its `this`), so a session holds no closure for it.
 */
export function unsolicitedPongRefusal(onRefuse: (socket: EngineSocket) => void): (socket: EngineSocket) => void {
  function packet(this: EngineSocket, { type }: { type: string }): void {
    const outstanding = (this as unknown as { pingTimeoutTimer: unknown }).pingTimeoutTimer;
    if (type !== 'pong' || this.protocol === 3 || outstanding !== null) return;
    onRefuse(this);
    this.close(true);
  }
  return (socket) => void socket.on('packet', packet);
}
