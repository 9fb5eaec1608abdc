import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DocsController } from './docs.controller.js';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { Metrics } from './metrics.js';
import { ShutdownState } from './shutdown-state.js';

/**
 * What operators see: /health/live, /health/ready, /metrics and the AsyncAPI document; Metrics for every module to
 * record into.
 */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController, MetricsController, DocsController],
  providers: [Metrics, ShutdownState],
  exports: [Metrics, ShutdownState],
})
export class OperationsModule {}
