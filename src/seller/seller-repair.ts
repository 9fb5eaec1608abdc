import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ChatsService } from '../chats/chats.service.js';
import { sellerSettings } from '../config/areas/seller.settings.js';
import { MessagesService } from '../messages/messages.service.js';
import { type Delivery, DeliveryBus } from '../realtime/bus/delivery-bus.js';
import { SELLER_CHANNEL, type SellerEvents, userOfRoom, userRoom } from './seller-chat.types.js';
import { toDelivered } from './seller-messages.js';

/**
 * How the seller chat's rooms (one per user) read back what they missed while this instance's link to the others was
 * down (DeliveryBus, "Gaps repaired"): the stored messages of the user's chats, the newest SELLER_AUTH_CHATS as a
 * sign-in sees them, as `SellerChatService.send` pushed them; before them, to a seller, a `chat` push for each of
 * those chats, so that a chat opened meanwhile (whose push was lost) is announced as it would have been. A tab hears
 * of a chat once (SellerGateway), so the chats it knows are not announced again; one it does not know among the
 * newest SELLER_AUTH_CHATS was opened after its sign-in.
 */
@Injectable()
export class SellerRepair {
  constructor(
    bus: DeliveryBus,
    private readonly chats: ChatsService,
    private readonly messages: MessagesService,
    @Inject(sellerSettings.KEY) private readonly config: ConfigType<typeof sellerSettings>,
  ) {
    bus.recoverWith(SELLER_CHANNEL, (room, afterId, limit) => this.missed(userOfRoom(room), afterId, limit));
  }

  private async missed(
    userId: number,
    afterId: number,
    limit: number,
  ): Promise<{ deliveries: Delivery<SellerEvents>[]; complete: boolean }> {
    const chats = (await this.chats.directChatsOf(userId)).slice(-this.config.authChats);
    const chatIds = chats.map((chat) => chat.id);
    const { messages, complete } = await this.messages.afterIn(chatIds, afterId, limit);
    const room = userRoom(userId);
    const deliveries: Delivery<SellerEvents>[] = chats
      .filter((chat) => chat.seller.id === userId)
      .map((chat) => ({ room, event: 'chat', data: { id: chat.id, chatter: chat.client.name } }));
    for (const message of messages) {
      const delivered = toDelivered(message);
      const data = message.authorId === userId ? { ...delivered, my: true as const } : delivered;
      deliveries.push({ room, event: 'message', data, messageId: message.id });
    }
    return { deliveries, complete };
  }
}
