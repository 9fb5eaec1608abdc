import { Module } from '@nestjs/common';
import { LobbyModule } from '../../lobby/lobby.module.js';
import { MetricsModule } from '../../operations/metrics.module.js';
import { Sessions } from '../../realtime/connection/sessions.js';
import { LimitsModule } from '../../realtime/limits/limits.module.js';
import { SseStreams } from '../../realtime/transports/sse-streams.js';
import { LobbyFeedController } from './lobby-feed.controller.js';
import { LobbyFeed } from './lobby-feed.js';

/** The SSE lobby feed example; add it to AppModule's imports to serve it at /examples/lobby-feed/:appId. */
@Module({
  imports: [LobbyModule, LimitsModule, MetricsModule],
  controllers: [LobbyFeedController],
  providers: [Sessions, SseStreams, LobbyFeed],
})
export class LobbyFeedModule {}
