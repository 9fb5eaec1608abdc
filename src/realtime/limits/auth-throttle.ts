import { Injectable } from '@nestjs/common';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppConfig } from '../../config/app-config.js';
import { RateLimiterFactory, take } from './rate-limiter.factory.js';

/**
 * Per-address limits on authentication, for both protocols: guessing tokens gets slower, not faster (an address
 * with AUTH_FAILURES_PER_IP failures in a window has its token auths refused unchecked until the window ends),
 * and one address cannot create clients (name-auths) without bound.
 */
@Injectable()
export class AuthThrottle {
  private readonly failures: RateLimiterAbstract;
  private readonly nameAuths: RateLimiterAbstract;
  private readonly maxFailures: number;

  constructor(factory: RateLimiterFactory, config: AppConfig) {
    this.maxFailures = config.authFailuresPerIp;
    this.failures = factory.create({
      keyPrefix: 'auth-failures',
      points: config.authFailuresPerIp,
      durationMs: config.authFailureWindowMs,
    });
    this.nameAuths = factory.create({
      keyPrefix: 'name-auths',
      points: config.nameAuthsPerIp,
      durationMs: config.nameAuthWindowMs,
    });
  }

  /** True while the address may not try a token: it used up its failures for this window. */
  async blocked(ip: string): Promise<boolean> {
    const used = await this.failures.get(ip);
    return used !== null && used.consumedPoints >= this.maxFailures;
  }

  /** Counts a failed token auth (an unknown or foreign token) against the address. */
  async failed(ip: string): Promise<void> {
    await take(this.failures, ip);
  }

  /** Takes one name-auth; false when the address used up its name-auths for this window. */
  nameAuth(ip: string): Promise<boolean> {
    return take(this.nameAuths, ip);
  }
}
