import { Module } from '@nestjs/common';
import { ConnectionMeter } from '../realtime/connection/connection-meter.js';
import { Metrics } from './metrics.js';

/**
 * The app's one Metrics registry, for every module that records into it (one instance, however many import it),
 * also as the connection core's ConnectionMeter.
 */
@Module({
  providers: [Metrics, { provide: ConnectionMeter, useExisting: Metrics }],
  exports: [Metrics, ConnectionMeter],
})
export class MetricsModule {}
