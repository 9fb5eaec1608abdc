import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '../users/user.entity.js';
import { UsersModule } from '../users/users.module.js';
import { ChatEntity } from './chat.entity.js';
import { ChatUsersService } from './chat-users.service.js';
import { ChatsService } from './chats.service.js';
import { WebhookOutboxModule } from '../webhooks/webhook-outbox.module.js';

@Module({
  imports: [WebhookOutboxModule, TypeOrmModule.forFeature([ChatEntity, UserEntity]), UsersModule],
  providers: [ChatsService, ChatUsersService],
  exports: [ChatsService, ChatUsersService],
})
export class ChatsModule {}
