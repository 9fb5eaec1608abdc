import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import type { ClusterSettings } from '../config/areas/cluster.settings.js';
import { DeliveryBus, LocalDeliveryBus } from './bus/delivery-bus.js';
import { InstanceIdentity } from './bus/instance-identity.js';
import { MemoryRateLimiterFactory, RateLimiterFactory } from './limits/rate-limiter.factory.js';
import { InMemoryPresenceStore } from './presence/in-memory-presence.store.js';
import { PresenceStore } from './presence/presence-store.js';
import { PresenceService } from './presence/presence.service.js';
import { RedisConnections } from './redis/redis-connections.js';
import { RedisDeliveryBus } from './bus/redis-delivery-bus.js';
import { RedisPresenceStore } from './presence/redis-presence.store.js';
import { RedisRateLimiterFactory } from './limits/redis-rate-limiter.factory.js';

/**
 * The realtime core every gateway leans on: the delivery bus, presence, this instance's identity, and the store
 * of every limit's counters (RateLimiterFactory; the limits themselves are LimitsModule's). In this process alone,
 * or, with REDIS_URL, shared with every instance through Redis. Global, like the configuration: one per app,
 * imported once at the root (CoreModule), never by a feature module. Tests replace `DeliveryBus`, `PresenceStore`
 * and `RateLimiterFactory` with overrideProvider.
 */
@Global()
@Module({})
export class RealtimeModule {
  static forRoot(cluster: ClusterSettings): DynamicModule {
    const shared: Provider[] = cluster.redisUrl
      ? [
          RedisConnections,
          { provide: DeliveryBus, useClass: RedisDeliveryBus },
          { provide: PresenceStore, useClass: RedisPresenceStore },
          { provide: RateLimiterFactory, useClass: RedisRateLimiterFactory },
        ]
      : [
          { provide: DeliveryBus, useClass: LocalDeliveryBus },
          { provide: PresenceStore, useClass: InMemoryPresenceStore },
          { provide: RateLimiterFactory, useClass: MemoryRateLimiterFactory },
        ];
    return {
      module: RealtimeModule,
      providers: [InstanceIdentity, ...shared, PresenceService],
      exports: [InstanceIdentity, DeliveryBus, PresenceService, RateLimiterFactory],
    };
  }
}
