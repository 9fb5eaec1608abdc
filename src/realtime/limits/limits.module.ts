import { Global, Module } from '@nestjs/common';
import { AuthThrottle } from './auth-throttle.js';
import { ConnectionCaps } from './connection-caps.js';
import { MemoryRateLimiterFactory, RateLimiterFactory } from './rate-limiter.factory.js';

/**
 * Every limit's counters come from one RateLimiterFactory: in memory here; replace that one provider with a
 * shared store's (overrideProvider, or a module of its own) and every limit holds across instances.
 */
@Global()
@Module({
  providers: [{ provide: RateLimiterFactory, useClass: MemoryRateLimiterFactory }, ConnectionCaps, AuthThrottle],
  exports: [RateLimiterFactory, ConnectionCaps, AuthThrottle],
})
export class LimitsModule {}
