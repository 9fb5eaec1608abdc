import type { DirectChat } from '../chats/chats.service.js';
import { Refusal } from '../common/refusal.js';
import type { ChatUser } from '../chats/chat-users.service.js';
import { defineChannel } from '../realtime/bus/delivery-bus.js';

/**
 * The error codes of the AH Chat protocol, and three of Chatgate's limits (docs/security.md):
 * RATE_LIMITED, TOO_MANY_CONNECTIONS, TEXT_IS_TOO_LONG. The original client shows nothing for those and keeps its
 * token (it forgets it only on USER_NOT_FOUND).
 */
export type SellerErrorCode =
  | 'CHAT_NOT_FOUND'
  | 'USER_IS_NOT_ONLINE'
  | 'USER_IS_NOT_SELLER'
  | 'USER_NOT_FOUND'
  | 'CHAT_ID_IS_REQUIRED'
  | 'TEXT_IS_REQUIRED'
  | 'DATE_IS_REQUIRED'
  | 'RATE_LIMITED'
  | 'TOO_MANY_CONNECTIONS'
  | 'TEXT_IS_TOO_LONG';

const HTTP_STATUS: Partial<Record<SellerErrorCode, number>> = {
  CHAT_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  USER_IS_NOT_SELLER: 403,
  USER_IS_NOT_ONLINE: 409,
  RATE_LIMITED: 429,
  TOO_MANY_CONNECTIONS: 429,
};

/** Why the seller chat refused a request; the gateway sends its code as the frame's `error`. */
export class SellerRefusal extends Refusal<SellerErrorCode> {
  constructor(code: SellerErrorCode) {
    super(code, code, HTTP_STATUS[code] ?? 400);
  }
}

/** What an `auth` frame asks for, once parsed. */
export type SignInRequest =
  | { mode: 'seller'; sellerId: number | null; token: string | null }
  | { mode: 'client-token'; sellerId: number | null; token: string }
  | { mode: 'client-name'; sellerId: number | null; name: string }
  | { mode: 'anonymous' };

/** Who a connection is, and the chats it has been told about. */
export interface SignIn {
  user: ChatUser & { kind: 'seller' | 'client' };
  chats: DirectChat[];
  /** A chat this sign-in created (a client's first contact with a seller). */
  newChat: DirectChat | null;
  /** The token of a client created by this sign-in: shown once, in the reply. */
  newToken: string | null;
  /** A client's seller takes messages while offline (said in the client's auth reply for the project's widget). */
  offlineMessages: boolean;
}

export interface ChatMessageView {
  id: number;
  text: string;
  date: number;
  my?: true;
}

export interface AuthReplyData {
  name?: string;
  token?: string;
  /** Only when true, in a client's reply: its seller takes messages while offline. */
  offlineMessages?: true;
  /**
   * `lastRead`: in a seller's reply, the chat's read mark when it has one (see `read`). `recovered`: for a chat
   * named in the auth's `since`, whether `messages` holds every message after it (docs/recovery.md).
   */
  chats: Record<number, { chatter: string; messages: ChatMessageView[]; lastRead?: number; recovered?: boolean }>;
}

export interface StatusData {
  chatId: number;
  status: boolean;
}

/** What a `message` frame asks for, once its fields passed the protocol's checks. */
export interface SendRequest {
  chatId: number | null;
  text: string;
  clientDate: unknown;
}

/** What a `read` frame asks: mark the chat read up to message `id`. */
export interface ReadRequest {
  chatId: number | null;
  id: number;
}

/** A seller's read mark of a chat: the reply to `read`, and the push to the seller's other connections. */
export interface ReadData {
  chatId: number;
  id: number;
}

/** A seller's chat as the back office lists it. */
export interface SellerChatSummary {
  id: number;
  client: { id: number; name: string };
  /** The client's messages after both the read mark and the seller's last message. */
  unread: number;
  /** The id of the last message the seller marked read; 0 for none. */
  lastRead: number;
}

export interface DeliveredMessage {
  id: number;
  text: string;
  date: number;
  chatId: number;
}

/** What the seller chat pushes to connections besides replies (the protocol's §2.4, and `read`), with their payloads. */
export type SellerEvents = {
  chat: { id: number; chatter: string };
  status: StatusData;
  message: DeliveredMessage & { my?: true };
  read: ReadData;
};
export const SELLER_CHANNEL = defineChannel<SellerEvents>('seller');
export type SellerPush = keyof SellerEvents;
export const SELLER_PUSHES: readonly SellerPush[] = ['chat', 'status', 'message', 'read'];
export const ONLINE_PLACE = 'seller-chat';

const USER_ROOM_PREFIX = 'user:';

/** Every connection of one user listens here. */
export function userRoom(userId: number): string {
  return USER_ROOM_PREFIX + userId;
}

/** The user a room made by `userRoom` belongs to. */
export function userOfRoom(room: string): number {
  return Number(room.slice(USER_ROOM_PREFIX.length));
}

export function counterpartOf(chat: DirectChat, userId: number): { id: number; name: string } {
  return chat.seller.id === userId ? chat.client : chat.seller;
}
