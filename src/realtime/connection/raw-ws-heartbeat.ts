import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';

/** How often a slice of the connections is pinged: a round of pings is spread over the interval in steps this long. */
const SLICE_MS = 100;
/** At most this many slices (a long interval pings a slice less often instead). */
const MAX_SLICES = 600;

/** A connection as the heartbeat tracks it: the slice it was dealt into is kept on the socket (`track` sets it). */
export interface HeartbeatSocket extends WebSocket {
  heartbeatSlice: number;
}

/**
 * Liveness of one raw-ws endpoint's connections. Each connection is pinged once per interval with a fresh random
 * payload; one that has not answered its previous ping is terminated (a dead network path sends no close, and
 * closing is what takes its user offline). Only a pong carrying the payload of the ping it answers counts, so a
 * client sending unsolicited pongs does not keep a dead connection open.
 *
 * Connections are dealt into slices, one slice pinged every SLICE_MS (or interval / MAX_SLICES), so a round costs
 * the event loop a few connections' worth of work at a time: pinging 4000 connections at once held it for about
 * 250 ms, which every message arriving meanwhile waited out.
 */
export class RawWsHeartbeat {
  private readonly answered = new WeakSet<WebSocket>();
  private readonly slices: Set<HeartbeatSocket>[];
  /** The payload of each slice's latest ping. */
  private readonly payloads: Buffer[];
  /** The slice the next connection joins, and the slice the next tick pings. */
  private nextJoin = 0;
  private nextPing = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly onPong: (this: WebSocket, data: Buffer) => void;

  constructor(intervalMs: number) {
    const count = Math.min(MAX_SLICES, Math.max(1, Math.round(intervalMs / SLICE_MS)));
    this.slices = Array.from({ length: count }, () => new Set<HeartbeatSocket>());
    this.payloads = Array.from({ length: count }, () => randomBytes(8));
    this.timer = setInterval(() => this.pingSlice(), intervalMs / count);
    this.timer.unref();
    // One listener for every connection (each called with its socket as `this`), not one per connection.
    const { answered, payloads } = this;
    this.onPong = function (this: WebSocket, data: Buffer) {
      if (data.equals(payloads[(this as HeartbeatSocket).heartbeatSlice])) answered.add(this);
    };
  }

  /**
   * Starts watching a new connection: it counts as alive until its first ping goes unanswered. Its owner calls
   * `untrack` once it closes (RawWsAdapter's one close listener does), so the heartbeat adds no listener for that.
   */
  track(socket: HeartbeatSocket): void {
    const slice = this.nextJoin;
    this.nextJoin = (slice + 1) % this.slices.length;
    socket.heartbeatSlice = slice;
    this.slices[slice].add(socket);
    this.answered.add(socket);
    socket.on('pong', this.onPong);
  }

  untrack(socket: HeartbeatSocket): void {
    this.slices[socket.heartbeatSlice].delete(socket);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private pingSlice(): void {
    const slice = this.nextPing;
    this.nextPing = (slice + 1) % this.slices.length;
    const payload = (this.payloads[slice] = randomBytes(8));
    for (const socket of this.slices[slice]) {
      if (!this.answered.delete(socket)) socket.terminate();
      else if (socket.readyState === socket.OPEN) socket.ping(payload);
    }
  }
}
