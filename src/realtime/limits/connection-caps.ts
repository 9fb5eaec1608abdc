import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { limitSettings } from '../../config/areas/limits.settings.js';
import type { HandshakeCheck } from '../connection/handshake.js';
import { ClientAddresses } from './client-addresses.js';
import { acquire, RateLimiterFactory } from './rate-limiter.factory.js';

const TOTAL = 'all';

/**
 * Caps on open connections, both protocols together: per client address (ClientAddresses) and in total at the handshake (so one
 * address cannot take every file descriptor), and per user once a connection has authenticated.
 */
@Injectable()
export class ConnectionCaps {
  private readonly logger = new Logger('ConnectionCaps');
  private readonly perIp: RateLimiterAbstract;
  private readonly total: RateLimiterAbstract;
  private readonly perUser: RateLimiterAbstract;

  constructor(
    factory: RateLimiterFactory,
    @Inject(limitSettings.KEY) limits: ConfigType<typeof limitSettings>,
    private readonly addresses: ClientAddresses,
  ) {
    this.perIp = factory.create({ keyPrefix: 'sockets-ip', points: limits.maxSocketsPerIp, durationMs: 0 });
    this.total = factory.create({ keyPrefix: 'sockets-total', points: limits.maxSocketsTotal, durationMs: 0 });
    this.perUser = factory.create({ keyPrefix: 'sockets-user', points: limits.maxSocketsPerUser, durationMs: 0 });
  }

  /** The handshake check: 503 when the server holds its total, 429 when this address holds its share. */
  readonly check: HandshakeCheck = async (request, _transport, lifecycle) => {
    const ip = this.addresses.limitKeyOf(request);
    if (!(await acquire(this.total, TOTAL))) {
      this.logger.warn('refusing a connection: MAX_SOCKETS_TOTAL reached');
      return { status: 503, reason: 'server full' };
    }
    if (!(await acquire(this.perIp, ip))) {
      await this.total.reward(TOTAL);
      return { status: 429, reason: 'too many connections from this address' };
    }
    lifecycle.onClose(() => void Promise.all([this.total.reward(TOTAL), this.perIp.reward(ip)]).catch(() => {}));
    return null;
  };

  /** Takes one of the user's connection slots; false when the user already holds MAX_SOCKETS_PER_USER. */
  acquireUser(userId: number): Promise<boolean> {
    return acquire(this.perUser, userId);
  }

  releaseUser(userId: number): void {
    this.perUser
      .reward(userId)
      .catch((error: unknown) => this.logger.error(`releasing a user slot failed: ${String(error)}`));
  }
}
