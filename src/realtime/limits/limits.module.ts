import { Module } from '@nestjs/common';
import { Handshakes } from '../connection/handshake.js';
import { AuthQueue } from './auth-queue.js';
import { AuthThrottle } from './auth-throttle.js';
import { ClientAddresses } from './client-addresses.js';
import { ConnectionCaps } from './connection-caps.js';

/**
 * The limits kept at the edges, and the handshake judge (Handshakes) that applies them to every transport. Their counters come from the RateLimiterFactory RealtimeModule provides: in
 * memory, or in Redis with REDIS_URL, so windowed limits hold across instances.
 */
@Module({
  providers: [ClientAddresses, ConnectionCaps, AuthThrottle, Handshakes, AuthQueue],
  exports: [ClientAddresses, ConnectionCaps, AuthThrottle, Handshakes, AuthQueue],
})
export class LimitsModule {}
