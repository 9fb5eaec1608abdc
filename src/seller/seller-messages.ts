import type { DirectChat } from '../chats/chats.service.js';
import type { StoredMessage } from '../messages/messages.service.js';
import type { WebhookEvent } from '../webhooks/webhook-events.js';
import type { DeliveredMessage } from './seller-chat.types.js';

/** A stored message as the seller chat sends it. */
export function toDelivered(message: StoredMessage): DeliveredMessage {
  return { id: message.id, text: message.text, date: toUnixSeconds(message.createdAt), chatId: message.chatId };
}

/** `seller.message.created`: the message, the side that wrote it, and the chat's parties. */
export function messageCreated(chat: DirectChat, message: StoredMessage): WebhookEvent {
  const from = message.authorId === chat.seller.id ? 'seller' : 'client';
  const data = {
    sellerId: chat.seller.id,
    chatId: chat.id,
    // Its id and name alone: a new client's chat holds the client's user itself as its client.
    client: { id: chat.client.id, name: chat.client.name },
    message: { ...toDelivered(message), from },
  };
  return { type: 'seller.message.created', appId: null, sellerId: chat.seller.id, data };
}

export function toUnixSeconds(epochMs: number): number {
  return Math.floor(epochMs / 1000);
}
