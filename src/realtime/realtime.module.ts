import { Global, Module } from '@nestjs/common';
import { DeliveryBus, LocalDeliveryBus } from './delivery-bus.js';
import { LocalPresence, PresenceService } from './presence.service.js';

@Global()
@Module({
  providers: [
    { provide: DeliveryBus, useClass: LocalDeliveryBus },
    { provide: PresenceService, useClass: LocalPresence },
  ],
  exports: [DeliveryBus, PresenceService],
})
export class RealtimeModule {}
