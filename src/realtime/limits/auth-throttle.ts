import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { limitSettings } from '../../config/areas/limits.settings.js';
import { ClientAddresses } from './client-addresses.js';
import { RateLimiterFactory, take } from './rate-limiter.factory.js';

/**
 * Per-address limits on authentication, for both protocols. Guessing tokens gets slower, while a valid token is
 * always checked and accepted: a NAT or a proxy shares one address between honest users and whoever is guessing
 * or looping on a revoked token, and refusing valid tokens unchecked would shut the honest ones out. So every
 * token is checked; an address past AUTH_FAILURES_PER_IP unknown tokens in a window has its further unknown ones
 * refused (instead of, in the lobby, read as anonymous), each refusal held back AUTH_THROTTLE_DELAY_MS so that one
 * connection cannot make the database look up tokens as fast as it can send them. One address also cannot create
 * seller-chat clients (name-auths) without bound. Addresses are counted as ClientAddresses keys them.
 */
@Injectable()
export class AuthThrottle {
  private readonly failures: RateLimiterAbstract;
  private readonly nameAuths: RateLimiterAbstract;
  private readonly delayMs: number;

  constructor(
    factory: RateLimiterFactory,
    @Inject(limitSettings.KEY) limits: ConfigType<typeof limitSettings>,
    private readonly addresses: ClientAddresses,
  ) {
    this.failures = factory.create({
      keyPrefix: 'auth-failures',
      points: limits.authFailuresPerIp,
      durationMs: limits.authFailureWindowMs,
    });
    this.nameAuths = factory.create({
      keyPrefix: 'name-auths',
      points: limits.nameAuthsPerIp,
      durationMs: limits.nameAuthWindowMs,
    });
    this.delayMs = limits.authThrottleDelayMs;
  }

  /**
   * Counts an unknown or foreign token against the client's address. True when the address has used up its
   * failures for this window: the caller refuses the auth (this resolves only after the throttle's delay).
   */
  async guessed(address: string): Promise<boolean> {
    if (await take(this.failures, this.addresses.limitKey(address))) return false;
    if (this.delayMs > 0) await sleep(this.delayMs, undefined, { ref: false });
    return true;
  }

  /** Takes one name-auth; false when the address used up its name-auths for this window. */
  nameAuth(address: string): Promise<boolean> {
    return take(this.nameAuths, this.addresses.limitKey(address));
  }
}
