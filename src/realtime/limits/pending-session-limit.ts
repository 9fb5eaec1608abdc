import type { Server as Engine, Socket as EngineSocket } from 'engine.io';
import type { IncomingMessage } from 'node:http';
import { sessionEnd } from '../internals/engine-session-end.js';

/**
 * Caps the Engine.IO sessions one client address holds before its client has sent anything on them. A page that
 * fails its handshake starts over at once, and the server keeps each abandoned session until it times out (45 s), so
 * without a cap one page piles up hundreds. Working clients send their socket.io CONNECT (EIO4) or their `auth`
 * (EIO3 widgets) within a round trip or two, so counting only silent sessions stays out of their way, even for many
 * users behind one address. Handshakes beyond the cap get 403 until one of those sessions speaks or closes.
 */
export function limitPendingSessions(
  engine: Engine,
  maxPerAddress: number,
  addressOf: (request: IncomingMessage) => string,
): void {
  const pending = new Map<string, number>();
  const allowRequest = engine.opts.allowRequest ?? ((_req, done) => done(null, true));
  // engine.io asks only for handshakes and emits `connection` in the same turn as this callback allows one, so
  // counting after any other check leaves no gap for a second handshake to slip through.
  engine.opts.allowRequest = (req, done) =>
    allowRequest(req, (error, allowed) => {
      if (!allowed) return done(error, false);
      if ((pending.get(addressOf(req)) ?? 0) >= maxPerAddress) return done('too many pending sessions', false);
      done(null, true);
    });

  engine.on('connection', (socket: EngineSocket) => {
    const address = addressOf(socket.request);
    pending.set(address, (pending.get(address) ?? 0) + 1);
    const end = sessionEnd(socket);
    const settle = () => {
      socket.off('packet', settle);
      end.off('close', settle);
      const left = (pending.get(address) ?? 1) - 1;
      if (left > 0) pending.set(address, left);
      else pending.delete(address);
    };
    socket.on('packet', settle);
    end.on('close', settle);
  });
}
