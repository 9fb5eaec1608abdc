import { randomBytes } from 'node:crypto';
import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Liveness of one raw-ws endpoint's connections. Every interval each connection is pinged with this round's
 * random payload; one that has not answered the previous round's ping is terminated (a dead network path sends
 * no close, and closing is what takes its user offline). Only a pong carrying the current payload counts, so a
 * client sending unsolicited pongs does not keep a dead connection open.
 */
export class RawWsHeartbeat {
  private readonly answered = new WeakSet<WebSocket>();
  private payload = randomBytes(8);
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly server: WebSocketServer,
    intervalMs: number,
  ) {
    this.timer = setInterval(() => this.round(), intervalMs);
    this.timer.unref();
  }

  /** Starts watching a new connection: it counts as alive until its first ping goes unanswered. */
  track(socket: WebSocket): void {
    this.answered.add(socket);
    socket.on('pong', (data: Buffer) => {
      if (data.equals(this.payload)) this.answered.add(socket);
    });
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private round(): void {
    this.payload = randomBytes(8);
    for (const socket of this.server.clients) {
      if (!this.answered.delete(socket)) socket.terminate();
      else if (socket.readyState === socket.OPEN) socket.ping(this.payload);
    }
  }
}
