import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseModule } from '../database/database.module.js';
import { DocsController } from './docs.controller.js';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsModule } from './metrics.module.js';
import { ShutdownState } from './shutdown-state.js';

/** What operators see: /health/live, /health/ready, /metrics and the AsyncAPI document, and the shutdown drain. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), DatabaseModule, MetricsModule],
  controllers: [HealthController, MetricsController, DocsController],
  providers: [ShutdownState],
})
export class OperationsModule {}
