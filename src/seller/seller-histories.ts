import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { DirectChat } from '../chats/chats.service.js';
import { Clock } from '../common/clock.js';
import { recoverySettings } from '../config/areas/recovery.settings.js';
import { sellerSettings } from '../config/areas/seller.settings.js';
import { MessagesService, type StoredMessage } from '../messages/messages.service.js';
import { Metrics } from '../operations/metrics.js';

/** A chat's messages for an auth reply; `recovered` only for a chat the connection named in `since`. */
export interface ChatHistory {
  messages: StoredMessage[];
  recovered?: boolean;
}

/**
 * The histories of an `auth` reply's chats, one query per chat, counted in chatgate_history_reads_total: each
 * chat's newest SELLER_AUTH_MESSAGES_PER_CHAT (a deviation from "the whole history"), or, for a chat whose last
 * message the connection says it holds (`since`, docs/recovery.md), every message after that one, up to
 * RECOVERY_MAX_MESSAGES and RECOVERY_WINDOW_MS, with `recovered: false` when either cut.
 */
@Injectable()
export class SellerHistories {
  constructor(
    private readonly messages: MessagesService,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    @Inject(sellerSettings.KEY) private readonly seller: ConfigType<typeof sellerSettings>,
    @Inject(recoverySettings.KEY) private readonly recovery: ConfigType<typeof recoverySettings>,
  ) {}

  of(chats: DirectChat[], since: ReadonlyMap<number, number> | null): Promise<ChatHistory[]> {
    const notBefore = this.clock.now() - this.recovery.windowMs;
    return Promise.all(
      chats.map(async (chat): Promise<ChatHistory> => {
        const held = since?.get(chat.id);
        if (held === undefined) {
          this.metrics.historyReads.inc({ protocol: 'seller', kind: 'recent' });
          return { messages: await this.messages.recent(chat.id, this.seller.authMessagesPerChat) };
        }
        this.metrics.historyReads.inc({ protocol: 'seller', kind: 'catch_up' });
        const after = await this.messages.after(chat.id, held, this.recovery.maxMessages, notBefore);
        return { messages: after.messages, recovered: after.complete };
      }),
    );
  }
}
