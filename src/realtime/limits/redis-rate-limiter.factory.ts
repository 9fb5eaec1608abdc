import { Injectable } from '@nestjs/common';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { type LimiterOptions, RateLimiterFactory } from './rate-limiter.factory.js';
import { RedisConnections } from '../redis/redis-connections.js';

/**
 * Limits shared by every instance: windowed rates (messages, failed auths, name-auths) count in Redis, so a
 * client cannot multiply its allowance by spreading over instances. While Redis is unreachable each limiter
 * falls back to counting in this instance's memory (rate-limiter-flexible's insurance limiter). Counts of things
 * held (connections) are not limiters: they stay per instance (ConnectionCaps).
 */
@Injectable()
export class RedisRateLimiterFactory extends RateLimiterFactory {
  constructor(private readonly redis: RedisConnections) {
    super();
  }

  create(options: LimiterOptions): RateLimiterAbstract {
    const memory = new RateLimiterMemory({
      keyPrefix: options.keyPrefix,
      points: options.points,
      duration: options.durationMs / 1000,
    });
    return new RateLimiterRedis({
      storeClient: this.redis.get('commands'),
      keyPrefix: `${this.redis.prefix}limit:${options.keyPrefix}`,
      points: options.points,
      duration: options.durationMs / 1000,
      insuranceLimiter: memory,
    });
  }
}
