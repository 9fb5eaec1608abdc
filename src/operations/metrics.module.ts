import { Module } from '@nestjs/common';
import { Metrics } from './metrics.js';

/** The app's one Metrics registry, for every module that records into it (one instance, however many import it). */
@Module({
  providers: [Metrics],
  exports: [Metrics],
})
export class MetricsModule {}
