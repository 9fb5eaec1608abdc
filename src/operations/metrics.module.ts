import { Global, Module } from '@nestjs/common';
import { ConnectionMeter } from '../realtime/connection/connection-meter.js';
import { Metrics } from './metrics.js';

/**
 * The app's one Metrics registry, for every module that records into it, also as the connection core's
 * ConnectionMeter. Global, provided once by CoreModule: like the bus and the clock, every module may count.
 */
@Global()
@Module({
  providers: [Metrics, { provide: ConnectionMeter, useExisting: Metrics }],
  exports: [Metrics, ConnectionMeter],
})
export class MetricsModule {}
