import type { WebhookEvent } from '../webhooks/webhook-events.js';
import type { Party } from './chats.service.js';

/** `seller.chat.created`: a client's first contact with a seller, by name or by token. */
export function chatCreated(sellerId: number, chatId: number, client: Party): WebhookEvent {
  return { type: 'seller.chat.created', appId: null, sellerId, data: { sellerId, chatId, client } };
}
