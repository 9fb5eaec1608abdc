import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Refusal } from '../../common/refusal.js';
import { limitSettings } from '../../config/areas/limits.settings.js';

/** AUTH_QUEUE_MAX auths are already waiting: this one is turned away, to try again later. */
export class AuthQueueFullError extends Refusal<'auth_queue_full'> {
  constructor() {
    super('auth_queue_full', 'too many connections are signing in; try again later', 503);
  }
}

/**
 * Auths of both protocols, AUTH_CONCURRENCY at a time per instance; the rest wait their turn, in arrival order, at
 * most AUTH_QUEUE_MAX of them. After a restart thousands of clients reconnect at once: each auth reads the
 * directory, the presence store and the lobby's or chats' history, and run all at once they would starve the event
 * loop (health checks, connected sockets) and each other. An auth waiting or running does not run out its
 * connection's AUTH_DEADLINE_MS (the gateways re-arm the deadline meanwhile; `pending`). Waiting auths are counted
 * in chatgate_auth_queue_length (the lobby gateway registers `waiting`), turned away ones in
 * chatgate_refusals_total{limit="auth_queue_full"} by each gateway's error filter.
 */
@Injectable()
export class AuthQueue {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(@Inject(limitSettings.KEY) private readonly limits: ConfigType<typeof limitSettings>) {}

  get waiting(): number {
    return this.queue.length;
  }

  /** Runs `auth` once a turn is free; rejects with AuthQueueFullError when the queue is full. */
  async run<T>(auth: () => Promise<T>): Promise<T> {
    if (this.running < this.limits.authConcurrency) {
      this.running++;
    } else {
      if (this.queue.length >= this.limits.authQueueMax) throw new AuthQueueFullError();
      // The turn is handed over by the auth that ends (`running` stays as it is).
      await new Promise<void>((resolve) => this.queue.push(resolve));
    }
    try {
      return await auth();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    }
  }
}
