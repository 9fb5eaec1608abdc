import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { limitSettings } from '../../config/areas/limits.settings.js';
import type { HandshakeCheck } from '../connection/handshake.js';
import { ClientAddresses } from './client-addresses.js';
import { HeldCounts } from './held-counts.js';

const TOTAL = 'all';

/**
 * Caps on open connections, both protocols together: per client address (ClientAddresses) and in total at the handshake (so one
 * address cannot take every file descriptor), and per user once a connection has authenticated. Counted per
 * instance, with or without Redis: an instance that died could never give its slots back.
 */
@Injectable()
export class ConnectionCaps {
  private readonly logger = new Logger('ConnectionCaps');
  private readonly perIp: HeldCounts<string>;
  private readonly total: HeldCounts<string>;
  private readonly perUser: HeldCounts<number>;

  constructor(
    @Inject(limitSettings.KEY) limits: ConfigType<typeof limitSettings>,
    private readonly addresses: ClientAddresses,
  ) {
    this.perIp = new HeldCounts(limits.maxSocketsPerIp);
    this.total = new HeldCounts(limits.maxSocketsTotal);
    this.perUser = new HeldCounts(limits.maxSocketsPerUser);
  }

  /** The handshake check: 503 when the server holds its total, 429 when this address holds its share. */
  readonly check: HandshakeCheck = (request, _transport, lifecycle) => {
    const ip = this.addresses.limitKeyOf(request);
    if (!this.total.take(TOTAL)) {
      this.logger.warn('refusing a connection: MAX_SOCKETS_TOTAL reached');
      return { status: 503, reason: 'server full' };
    }
    if (!this.perIp.take(ip)) {
      this.total.give(TOTAL);
      return { status: 429, reason: 'too many connections from this address' };
    }
    // Held as long as the connection: bound to `ip`, a quarter smaller than a closure and the scope it would keep.
    lifecycle.onClose(this.release.bind(this, ip));
    return null;
  };

  /** Takes one of the user's connection slots; false when the user already holds MAX_SOCKETS_PER_USER. */
  acquireUser(userId: number): boolean {
    return this.perUser.take(userId);
  }

  releaseUser(userId: number): void {
    this.perUser.give(userId);
  }

  /** Gives back what an admitted connection from `ip` took. */
  private release(ip: string): void {
    this.total.give(TOTAL);
    this.perIp.give(ip);
  }
}
