import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MuteEntity } from './mute.entity.js';
import { MutesService } from './mutes.service.js';
import { WebhookOutboxModule } from '../webhooks/webhook-outbox.module.js';

@Module({
  imports: [WebhookOutboxModule, TypeOrmModule.forFeature([MuteEntity])],
  providers: [MutesService],
  exports: [MutesService],
})
export class MutesModule {}
