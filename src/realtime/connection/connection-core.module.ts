import { Module } from '@nestjs/common';
import { LimitsModule } from '../limits/limits.module.js';
import { Sessions } from './sessions.js';

/**
 * What a gateway's module imports to get the whole connection core: `Sessions` (the lifecycle of every connection,
 * sessions.ts) and the limits its transports apply at the handshake (LimitsModule: ClientAddresses, ConnectionCaps,
 * AuthThrottle, Handshakes). One Sessions serves every gateway of the app; its counts and logs are by protocol.
 * Its meter (ConnectionMeter) is the app's Metrics, which the core (CoreModule) provides to every module.
 */
@Module({
  imports: [LimitsModule],
  providers: [Sessions],
  exports: [Sessions, LimitsModule],
})
export class ConnectionCoreModule {}
