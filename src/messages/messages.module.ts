import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../database/database.module.js';
import { MetricsModule } from '../operations/metrics.module.js';
import { MessageEntity } from './message.entity.js';
import { MessagesService } from './messages.service.js';
import { WebhookOutboxModule } from '../webhooks/webhook-outbox.module.js';

@Module({
  imports: [WebhookOutboxModule, TypeOrmModule.forFeature([MessageEntity]), DatabaseModule, MetricsModule],
  providers: [MessagesService],
  exports: [MessagesService],
})
export class MessagesModule {}
