import { Module } from '@nestjs/common';
import { ChatsModule } from '../chats/chats.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { MetricsModule } from '../operations/metrics.module.js';
import { Sessions } from '../realtime/connection/sessions.js';
import { LimitsModule } from '../realtime/limits/limits.module.js';
import { SellerChatService } from './seller-chat.service.js';
import { SellerErrorFilter } from './seller-error.filter.js';
import { SellerHistories } from './seller-histories.js';
import { SellerRepair } from './seller-repair.js';
import { SellerGateway } from './seller.gateway.js';
import { WebhookOutboxModule } from '../webhooks/webhook-outbox.module.js';

@Module({
  imports: [WebhookOutboxModule, ChatsModule, MessagesModule, MetricsModule, LimitsModule],
  providers: [Sessions, SellerChatService, SellerHistories, SellerRepair, SellerGateway, SellerErrorFilter],
  exports: [SellerChatService],
})
export class SellerModule {}
