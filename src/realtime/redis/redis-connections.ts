import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Redis } from 'ioredis';
import { describeFault } from '../../common/refusal.js';
import { clusterSettings } from '../../config/areas/cluster.settings.js';

type Role = 'commands' | 'publisher' | 'subscriber';
const ROLES: Role[] = ['commands', 'publisher', 'subscriber'];

/** How long start-up waits for Redis before the instance starts on its own (and joins the others once Redis answers). */
const START_WAIT_MS = 5000;

/**
 * The Redis connections of this instance, one per role (a subscriber connection can do nothing but subscribe,
 * so the bus needs its own). Commands fail at once while Redis is unreachable instead of queueing without
 * bound; ioredis reconnects by itself. An outage is logged once per connection, not per command, and its end
 * once. `started` resolves when every connection is ready, or after START_WAIT_MS if Redis does not answer.
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  private readonly connections = new Map<Role, Redis>();
  readonly started: Promise<void>;

  constructor(@Inject(clusterSettings.KEY) private readonly cluster: ConfigType<typeof clusterSettings>) {
    const ready = ROLES.map((role) => new Promise<void>((resolve) => this.get(role).once('ready', () => resolve())));
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, START_WAIT_MS)));
    this.started = Promise.race([Promise.all(ready).then(() => undefined), waited]).finally(() => clearTimeout(timer));
  }

  get prefix(): string {
    return this.cluster.redisKeyPrefix;
  }

  /** The connection for `role`, opened the first time it is asked for. */
  get(role: Role): Redis {
    let redis = this.connections.get(role);
    if (redis) return redis;
    redis = new Redis(this.cluster.redisUrl ?? '', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      // The bus resubscribes its rooms itself on every reconnect (rooms watched during an outage included).
      autoResubscribe: false,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      connectionName: `chatgate-${role}`,
    });
    let down = false;
    redis.on('error', (error) => {
      if (down) return;
      down = true;
      this.logger.error(`${role} connection lost: ${describeFault(error)}; retrying`);
    });
    redis.on('ready', () => {
      if (down) this.logger.log(`${role} connection back`);
      down = false;
    });
    this.connections.set(role, redis);
    return redis;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.connections.values()].map((redis) => redis.quit().catch(() => redis.disconnect())));
    this.connections.clear();
  }
}
