import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ChatsModule } from '../chats/chats.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { MutesModule } from '../mutes/mutes.module.js';
import { MetricsModule } from '../operations/metrics.module.js';
import { LimitsModule } from '../realtime/limits/limits.module.js';
import { LobbyExceptionFilter } from './lobby-exception.filter.js';
import { LobbyRooms } from './lobby-rooms.js';
import { LobbyGateway } from './lobby.gateway.js';
import { LobbyService } from './lobby.service.js';

@Module({
  imports: [AuthModule, ChatsModule, MessagesModule, MutesModule, MetricsModule, LimitsModule],
  providers: [LobbyService, LobbyRooms, LobbyGateway, LobbyExceptionFilter],
  exports: [LobbyService],
})
export class LobbyModule {}
