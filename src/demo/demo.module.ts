import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppsModule } from '../apps/apps.module.js';
import { ChatsModule } from '../chats/chats.module.js';
import { UserEntity } from '../users/user.entity.js';
import { UsersModule } from '../users/users.module.js';
import { DemoController } from './demo.controller.js';
import { DemoService } from './demo.service.js';

@Module({
  imports: [AppsModule, UsersModule, ChatsModule, TypeOrmModule.forFeature([UserEntity])],
  controllers: [DemoController],
  providers: [DemoService],
})
export class DemoModule {}
