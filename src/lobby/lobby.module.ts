import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ChatsModule } from '../chats/chats.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { ModerationModule } from '../moderation/moderation.module.js';
import { MutesModule } from '../mutes/mutes.module.js';
import { ConnectionCoreModule } from '../realtime/connection/connection-core.module.js';
import { LobbyExceptionFilter } from './lobby-exception.filter.js';
import { LobbyModeration } from './lobby-moderation.js';
import { LobbyCatchUp } from './lobby-catch-up.js';
import { LobbyRooms } from './lobby-rooms.js';
import { LobbyGateway } from './lobby.gateway.js';
import { LobbyService } from './lobby.service.js';
import { WebhookOutboxModule } from '../webhooks/webhook-outbox.module.js';

@Module({
  imports: [
    WebhookOutboxModule,
    AuthModule,
    ChatsModule,
    MessagesModule,
    MutesModule,
    ModerationModule,
    ConnectionCoreModule,
  ],
  providers: [LobbyService, LobbyModeration, LobbyRooms, LobbyCatchUp, LobbyGateway, LobbyExceptionFilter],
  exports: [LobbyService, LobbyModeration],
})
export class LobbyModule {}
