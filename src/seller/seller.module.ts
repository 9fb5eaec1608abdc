import { Module } from '@nestjs/common';
import { ChatsModule } from '../chats/chats.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { UsersModule } from '../users/users.module.js';
import { SellerChatService } from './seller-chat.service.js';
import { SellerErrorFilter } from './seller-error.filter.js';
import { SellerGateway } from './seller.gateway.js';

@Module({
  imports: [UsersModule, ChatsModule, MessagesModule],
  providers: [SellerChatService, SellerGateway, SellerErrorFilter],
  exports: [SellerChatService],
})
export class SellerModule {}
