import { Global, Module } from '@nestjs/common';
import { DeliveryBus, LocalDeliveryBus } from './delivery-bus.js';
import { InstanceIdentity } from './instance-identity.js';
import { LimitsModule } from './limits/limits.module.js';
import { InMemoryPresenceStore } from './presence/in-memory-presence.store.js';
import { PresenceStore } from './presence/presence-store.js';
import { PresenceService } from './presence/presence.service.js';

/**
 * The realtime core every gateway leans on: the delivery bus, presence, this instance's identity, and the
 * limits (LimitsModule: every limiter comes from its RateLimiterFactory).
 * Single-instance implementations here; replace `DeliveryBus` and `PresenceStore` (overrideProvider in tests)
 * to share them between instances.
 */
@Global()
@Module({
  imports: [LimitsModule],
  providers: [
    InstanceIdentity,
    { provide: DeliveryBus, useClass: LocalDeliveryBus },
    { provide: PresenceStore, useClass: InMemoryPresenceStore },
    PresenceService,
  ],
  exports: [InstanceIdentity, DeliveryBus, PresenceService],
})
export class RealtimeModule {}
