import { Module } from '@nestjs/common';
import { MetricsModule } from '../../operations/metrics.module.js';
import { Sessions } from '../../realtime/connection/sessions.js';
import { LimitsModule } from '../../realtime/limits/limits.module.js';
import { EchoGateway } from './echo.gateway.js';

/** The raw-ws echo example; add it to AppModule's imports to serve it at /examples/echo. */
@Module({
  imports: [LimitsModule, MetricsModule],
  providers: [Sessions, EchoGateway],
})
export class EchoModule {}
