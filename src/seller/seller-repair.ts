import { Injectable } from '@nestjs/common';
import { ChatsService } from '../chats/chats.service.js';
import { AppConfig } from '../config/app-config.js';
import { MessagesService } from '../messages/messages.service.js';
import { type Delivery, DeliveryBus } from '../realtime/bus/delivery-bus.js';
import { SELLER_CHANNEL, type SellerEvents, userOfRoom, userRoom } from './seller-chat.types.js';
import { toDelivered } from './seller-messages.js';

/**
 * How the seller chat's rooms (one per user) read back what they missed while this instance's link to the others was
 * down (DeliveryBus, "Gaps repaired"): the stored messages of the user's chats, the newest SELLER_AUTH_CHATS as a
 * sign-in sees them, as `SellerChatService.send` pushed them. A chat opened meanwhile is not announced again (its
 * `chat` push stores nothing): its seller's tabs learn of it on their next auth, and its messages reach only those.
 */
@Injectable()
export class SellerRepair {
  constructor(
    bus: DeliveryBus,
    private readonly chats: ChatsService,
    private readonly messages: MessagesService,
    private readonly config: AppConfig,
  ) {
    bus.recoverWith(SELLER_CHANNEL, (room, afterId, limit) => this.missed(userOfRoom(room), afterId, limit));
  }

  private async missed(
    userId: number,
    afterId: number,
    limit: number,
  ): Promise<{ deliveries: Delivery<SellerEvents>[]; complete: boolean }> {
    const chats = (await this.chats.directChatsOf(userId)).slice(-this.config.sellerAuthChats);
    const chatIds = chats.map((chat) => chat.id);
    const { messages, complete } = await this.messages.afterIn(chatIds, afterId, limit);
    const room = userRoom(userId);
    const deliveries = messages.map((message) => {
      const delivered = toDelivered(message);
      const data = message.authorId === userId ? { ...delivered, my: true as const } : delivered;
      return { room, event: 'message' as const, data, messageId: message.id };
    });
    return { deliveries, complete };
  }
}
