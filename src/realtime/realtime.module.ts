import { Global, Module } from '@nestjs/common';
import { DeliveryBus, LocalDeliveryBus } from './delivery-bus.js';
import { InstanceIdentity } from './instance-identity.js';
import { InMemoryPresenceStore } from './presence/in-memory-presence.store.js';
import { PresenceStore } from './presence/presence-store.js';
import { PresenceService } from './presence/presence.service.js';

/**
 * The realtime core every gateway leans on: the delivery bus, presence, and this instance's identity.
 * Single-instance implementations here; replace `DeliveryBus` and `PresenceStore` (overrideProvider in tests)
 * to share them between instances.
 */
@Global()
@Module({
  providers: [
    InstanceIdentity,
    { provide: DeliveryBus, useClass: LocalDeliveryBus },
    { provide: PresenceStore, useClass: InMemoryPresenceStore },
    PresenceService,
  ],
  exports: [InstanceIdentity, DeliveryBus, PresenceService],
})
export class RealtimeModule {}
