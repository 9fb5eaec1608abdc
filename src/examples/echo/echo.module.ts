import { Module } from '@nestjs/common';
import { ConnectionCoreModule } from '../../realtime/connection/connection-core.module.js';
import { EchoGateway } from './echo.gateway.js';

/** The raw-ws echo example; add it to AppModule's imports to serve it at /examples/echo. */
@Module({
  imports: [ConnectionCoreModule],
  providers: [EchoGateway],
})
export class EchoModule {}
