import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { DeliveryBus, LocalDeliveryBus } from './delivery-bus.js';
import { InstanceIdentity } from './instance-identity.js';
import { InMemoryPresenceStore } from './presence/in-memory-presence.store.js';
import { PresenceStore } from './presence/presence-store.js';
import { PresenceService } from './presence/presence.service.js';
import { RedisConnections } from './redis/redis-connections.js';
import { RedisDeliveryBus } from './redis/redis-delivery-bus.js';
import { RedisPresenceStore } from './redis/redis-presence.store.js';

/**
 * The realtime core every gateway leans on: the delivery bus, presence, and this instance's identity. In this
 * process alone, or, with REDIS_URL, shared with every instance through Redis. Tests replace `DeliveryBus` and
 * `PresenceStore` with overrideProvider.
 */
@Global()
@Module({})
export class RealtimeModule {
  static forRoot(config: AppConfig): DynamicModule {
    const shared: Provider[] = config.redisUrl
      ? [RedisConnections, { provide: DeliveryBus, useClass: RedisDeliveryBus }, { provide: PresenceStore, useClass: RedisPresenceStore }]
      : [
          { provide: DeliveryBus, useClass: LocalDeliveryBus },
          { provide: PresenceStore, useClass: InMemoryPresenceStore },
        ];
    return {
      module: RealtimeModule,
      providers: [InstanceIdentity, ...shared, PresenceService],
      exports: [InstanceIdentity, DeliveryBus, PresenceService],
    };
  }
}
