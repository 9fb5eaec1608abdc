import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChatEntity } from './chat.entity.js';
import { ChatsService } from './chats.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([ChatEntity])],
  providers: [ChatsService],
  exports: [ChatsService],
})
export class ChatsModule {}
