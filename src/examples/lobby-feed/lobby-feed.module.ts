import { Module } from '@nestjs/common';
import { LobbyModule } from '../../lobby/lobby.module.js';
import { ConnectionCoreModule } from '../../realtime/connection/connection-core.module.js';
import { SseStreams } from '../../realtime/transports/sse-streams.js';
import { LobbyFeedController } from './lobby-feed.controller.js';
import { LobbyFeed } from './lobby-feed.js';

/** The SSE lobby feed example; add it to AppModule's imports to serve it at /examples/lobby-feed/:appId. */
@Module({
  imports: [LobbyModule, ConnectionCoreModule],
  controllers: [LobbyFeedController],
  providers: [SseStreams, LobbyFeed],
})
export class LobbyFeedModule {}
