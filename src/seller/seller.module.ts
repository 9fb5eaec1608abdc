import { Module } from '@nestjs/common';
import { ChatsModule } from '../chats/chats.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { ConnectionCoreModule } from '../realtime/connection/connection-core.module.js';
import { SellerChatService } from './seller-chat.service.js';
import { SellerErrorFilter } from './seller-error.filter.js';
import { SellerHistories } from './seller-histories.js';
import { SellerRepair } from './seller-repair.js';
import { SellerGateway } from './seller.gateway.js';
import { WebhookOutboxModule } from '../webhooks/webhook-outbox.module.js';

@Module({
  imports: [WebhookOutboxModule, ChatsModule, MessagesModule, ConnectionCoreModule],
  providers: [SellerChatService, SellerHistories, SellerRepair, SellerGateway, SellerErrorFilter],
  exports: [SellerChatService],
})
export class SellerModule {}
