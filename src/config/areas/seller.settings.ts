import { settingsArea } from '../settings-area.js';
import type { SettingsReader } from '../settings-reader.js';

/** The seller chat: its WebSocket, messages, rates, auth replies, and when a client's message counts as unanswered. */
export interface SellerSettings {
  /** Path of the seller chat's raw WebSocket on the shared port. */
  readonly wsPath: string;
  readonly pingIntervalMs: number;
  /** Larger seller-chat frames close the connection. */
  readonly maxFrameBytes: number;
  /** Seller-chat messages one user may send per window; more are answered RATE_LIMITED and not stored. */
  readonly rateMessages: number;
  readonly rateWindowMs: number;
  /** Longest seller-chat message, in Unicode code points; longer ones are answered TEXT_IS_TOO_LONG. */
  readonly messageMax: number;
  /** A seller's auth reply holds its newest chats and each chat's newest messages, not whole histories. */
  readonly authChats: number;
  readonly authMessagesPerChat: number;
  /** A client's message neither answered nor read by its seller this long raises `seller.message.unanswered`. */
  readonly unansweredAfterMs: number;
}

export function readSellerSettings(read: SettingsReader): SellerSettings {
  return {
    wsPath: read.wsPath('SELLER_WS_PATH', '/seller'),
    pingIntervalMs: read.integer('SELLER_PING_INTERVAL_MS', 30_000, 100, 3_600_000),
    maxFrameBytes: read.integer('SELLER_MAX_FRAME_BYTES', 16 * 1024, 256, 16 * 1024 * 1024),
    rateMessages: read.integer('SELLER_RATE_MESSAGES', 10, 1, 100_000),
    rateWindowMs: read.integer('SELLER_RATE_WINDOW_MS', 5000, 1000, 3_600_000),
    messageMax: read.integer('SELLER_MESSAGE_MAX', 2000, 1, 1_000_000),
    authChats: read.integer('SELLER_AUTH_CHATS', 100, 1, 100_000),
    authMessagesPerChat: read.integer('SELLER_AUTH_MESSAGES_PER_CHAT', 100, 0, 100_000),
    unansweredAfterMs: read.integer('UNANSWERED_AFTER_MS', 180_000, 1000, 7 * 86_400_000),
  };
}

export const sellerSettings = settingsArea<SellerSettings>('seller');
