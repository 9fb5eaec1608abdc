import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, In, MoreThan, MoreThanOrEqual, type Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { RateLimitedLog } from '../common/rate-limited-log.js';
import { describeFault, StorageUnavailableError } from '../common/refusal.js';
import { databaseSettings } from '../config/areas/database.settings.js';
import { GroupCommit } from '../database/group-commit.js';
import { isRowFault } from '../database/storage-faults.js';
import { StorageHealth } from '../database/storage-health.js';
import { Metrics } from '../operations/metrics.js';
import { MessageEntity } from './message.entity.js';
import type { WebhookEvent } from '../webhooks/webhook-events.js';
import { WebhookSubscriptions } from '../webhooks/webhook-subscriptions.js';
import { type CommitRows, type CommittedRow, messageCommitter, type MessageRow } from './message-writer.js';
import { type RecentMessages, recentMessagesReader } from './recent-messages.js';

export interface NewMessage {
  chatId: number;
  authorId: number;
  authorName: string;
  authorRole: string | null;
  text: string;
  /** The seller-chat client's clientDate, as JSON (see `appendOnce`). */
  clientDate?: string | null;
  /** The webhook event the message raises, given its id and time; written in its transaction (message-writer.ts). */
  event?: ((stored: StoredMessage) => WebhookEvent) | null;
  /** Check back this long after it is stored whether it is still unanswered (a webhook timer); absent: never. */
  followUpAfterMs?: number | null;
}

export type StoredMessage = Omit<NewMessage, 'clientDate' | 'event' | 'followUpAfterMs'> & {
  id: number;
  createdAt: number;
};

/** A message to write, and how far back a stored copy of it would make it a resend (null: never). */
interface Pending {
  message: NewMessage;
  resendWindowMs: number | null;
}

/** The message written, or the original a resend was answered with (`resent`). */
export interface Appended {
  message: StoredMessage;
  resent: boolean;
}

/** Most rows one transaction takes; bounds how long a batch holds the write lock. */
const MAX_BATCH = 500;

/**
 * Batches committing at once on PostgreSQL, each on its own pooled connection (of pg's 10): with one, a batch waited
 * out the previous one's round trips and the intake queued behind them. SQLite commits synchronously, one at a time.
 */
const POSTGRES_COMMITS_IN_FLIGHT = 3;

@Injectable()
export class MessagesService implements BeforeApplicationShutdown {
  private readonly writer: GroupCommit<Pending, Appended>;
  private readonly commitRows: CommitRows;
  private readonly faults = new RateLimitedLog(new Logger('MessagesService'));
  /** The chat's last `limit` messages, oldest first. */
  readonly recent: RecentMessages;

  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    @InjectDataSource() dataSource: DataSource,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly storage: StorageHealth,
    private readonly webhooks: WebhookSubscriptions,
    @Inject(databaseSettings.KEY) database: ConfigType<typeof databaseSettings>,
  ) {
    this.commitRows = messageCommitter(dataSource, database.writeTimeoutMs);
    this.recent = recentMessagesReader(dataSource);
    // A resend lookup must see every earlier write of this instance, so its batch waits for those to commit.
    this.writer = new GroupCommit(
      (batch) => this.commitBatch(batch),
      MAX_BATCH,
      dataSource.options.type === 'postgres' ? POSTGRES_COMMITS_IN_FLIGHT : 1,
      (pending) => pending.resendWindowMs !== null,
    );
  }

  /** Resolves once the message is committed: callers may acknowledge it then. */
  async append(message: NewMessage): Promise<StoredMessage> {
    return (await this.writer.submit({ message, resendWindowMs: null })).message;
  }

  /**
   * Like `append`, unless the author stored the same text with the same clientDate in the chat within `windowMs`:
   * then nothing is written and it resolves with that original, `resent`. The lookup runs in the batch's own
   * transaction (SQLite: under its write lock), so a resend is recognised on any instance, one statement per batch.
   */
  appendOnce(message: NewMessage, windowMs: number): Promise<Appended> {
    return this.writer.submit({ message, resendWindowMs: windowMs });
  }

  /**
   * The chat's messages after `afterId` (a message id the reader holds), oldest first: the newest `limit` of them
   * stored at `notBefore` (epoch ms) or later, and `complete` when none was left out. A reconnecting reader and an
   * instance repairing a gap in the bus both catch up with it; `complete: false` tells them the oldest part is
   * missing. One query either way: the newest `limit + 1` after `afterId`, whose times show whether the window cut.
   */
  async after(
    chatId: number,
    afterId: number,
    limit: number,
    notBefore = 0,
  ): Promise<{ messages: StoredMessage[]; complete: boolean }> {
    const rows = await this.messages.find({
      where: { chatId, id: MoreThan(afterId) },
      order: { id: 'DESC' },
      take: limit + 1,
    });
    const kept = rows.slice(0, limit).filter((row) => row.createdAt >= notBefore);
    const complete = rows.length <= limit && kept.length === rows.length;
    return { messages: kept.reverse().map(toStored), complete };
  }

  /**
   * Like `after`, across several chats (one user's seller chats): their messages after `afterId`, oldest first, the
   * newest `limit` of them, and `complete` when none was left out. One query.
   */
  async afterIn(
    chatIds: number[],
    afterId: number,
    limit: number,
  ): Promise<{ messages: StoredMessage[]; complete: boolean }> {
    if (chatIds.length === 0) return { messages: [], complete: true };
    const rows = await this.messages.find({
      where: { chatId: In(chatIds), id: MoreThan(afterId) },
      order: { id: 'DESC' },
      take: limit + 1,
    });
    const complete = rows.length <= limit;
    return { messages: rows.slice(0, limit).reverse().map(toStored), complete };
  }

  /** Every message of a chat, oldest first. */
  async all(chatId: number): Promise<StoredMessage[]> {
    return (await this.allOf([chatId])).get(chatId) ?? [];
  }

  /** Every message of several chats in one query, oldest first per chat; chats without messages are absent. */
  async allOf(chatIds: number[]): Promise<Map<number, StoredMessage[]>> {
    const byChat = new Map<number, StoredMessage[]>();
    if (chatIds.length === 0) return byChat;
    const rows = await this.messages.find({ where: { chatId: In(chatIds) }, order: { id: 'ASC' } });
    for (const row of rows) {
      const list = byChat.get(row.chatId) ?? [];
      list.push(toStored(row));
      byChat.set(row.chatId, list);
    }
    return byChat;
  }

  /** The first message of this author, chat, clientDate and text stored since `since`, or null (see `appendOnce`). */
  async findResent(
    message: Required<Pick<NewMessage, 'chatId' | 'authorId' | 'clientDate' | 'text'>>,
    since: number,
  ): Promise<StoredMessage | null> {
    const { chatId, authorId, clientDate, text } = message;
    if (clientDate === null) return null;
    const row = await this.messages.findOne({
      where: { chatId, authorId, clientDate, text, createdAt: MoreThanOrEqual(since) },
      order: { id: 'ASC' },
    });
    return row && toStored(row);
  }

  /**
   * Deletes those of `ids` that are messages of the chat, and returns them. `event` builds each deletion's webhook
   * event (null: none wanted), recorded in the same transaction.
   */
  async remove(
    chatId: number,
    ids: number[],
    event: ((removed: StoredMessage) => WebhookEvent) | null = null,
  ): Promise<StoredMessage[]> {
    if (ids.length === 0) return [];
    return this.messages.manager.transaction(async (tx) => {
      const rows = await tx.find(MessageEntity, { where: { chatId, id: In(ids) }, order: { id: 'ASC' } });
      if (rows.length === 0) return [];
      await tx.delete(MessageEntity, { chatId, id: In(rows.map(({ id }) => id)) });
      const removed = rows.map(toStored);
      if (event) for (const message of removed) await this.webhooks.record(tx, event(message), this.clock.now());
      return removed;
    });
  }

  /** Writes still queued are committed before the database closes (on SIGTERM, say). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.writer.flush();
  }

  private async commitBatch(batch: Pending[]): Promise<PromiseSettledResult<Appended>[]> {
    const started = performance.now();
    const outcomes = await this.insertBatch(batch);
    this.metrics.commitBatchSize.observe(batch.length);
    this.metrics.commitSeconds.observe((performance.now() - started) / 1000);
    return outcomes;
  }

  /**
   * One transaction for the batch. If the database refuses a row on its own merits, the batch is written again row
   * by row, so only that row fails; a failure of the storage itself (locked, full, gone) fails the batch, as each
   * row alone would fail the same way. Either way one line is logged (rate-limited), never one per row.
   */
  private async insertBatch(batch: Pending[]): Promise<PromiseSettledResult<Appended>[]> {
    const notReady = this.storage.check();
    if (notReady) return batch.map(() => refused(new StorageUnavailableError(notReady)));
    const createdAt = this.clock.now();
    const rows = batch.map((pending) => toRow(pending, createdAt));
    try {
      const committed = await this.commitRows(rows);
      return rows.map((row, i) => ({ status: 'fulfilled', value: appended(row, committed[i]) }));
    } catch (error) {
      if (rows.length === 1 || !isRowFault(error)) {
        this.faults.error(`writing ${rows.length} message(s) failed: ${describeFault(error)}`);
        return rows.map(() => refused(asRefusal(error)));
      }
      const outcomes: PromiseSettledResult<Appended>[] = [];
      for (const row of rows) {
        try {
          const [committed] = await this.commitRows([row]);
          outcomes.push({ status: 'fulfilled', value: appended(row, committed) });
        } catch (rowError) {
          outcomes.push(refused(asRefusal(rowError)));
        }
      }
      const failed = outcomes.filter((outcome) => outcome.status === 'rejected').length;
      this.faults.error(
        `a batch of ${rows.length} messages failed (${describeFault(error)}); written row by row, ${failed} refused`,
      );
      return outcomes;
    }
  }
}

/** Logged here already: the transports answer their internal error without logging each writer again. */
function asRefusal(error: unknown): StorageUnavailableError {
  return error instanceof StorageUnavailableError
    ? error
    : new StorageUnavailableError('the message could not be stored');
}

/**
 * The row a pending message is written as. Every message passes here and through `stored`, so both build their
 * objects field by field: rest and spread would allocate an intermediate object per message.
 */
function toRow({ message, resendWindowMs }: Pending, createdAt: number): MessageRow {
  const { event, followUpAfterMs } = message;
  return {
    chatId: message.chatId,
    authorId: message.authorId,
    authorName: message.authorName,
    authorRole: message.authorRole,
    text: message.text,
    clientDate: message.clientDate ?? null,
    createdAt,
    resendSince: resendWindowMs === null ? null : createdAt - resendWindowMs,
    event: event ? (id) => event(stored(message, id, createdAt)) : null,
    followUpAt: followUpAfterMs ? createdAt + followUpAfterMs : null,
  };
}

/** A resend is answered with its original's id and time; the rest of it is the same by definition. */
function appended(row: MessageRow, { id, createdAt, resent }: CommittedRow): Appended {
  return { message: stored(row, id, createdAt), resent };
}

function stored(message: NewMessage | MessageRow, id: number, createdAt: number): StoredMessage {
  const { chatId, authorId, authorName, authorRole, text } = message;
  return { chatId, authorId, authorName, authorRole, text, id, createdAt };
}

function refused(reason: unknown): PromiseRejectedResult {
  return { status: 'rejected', reason };
}

function toStored(row: MessageEntity): StoredMessage {
  const { id, chatId, authorId, authorName, authorRole, text, createdAt } = row;
  return { id, chatId, authorId, authorName, authorRole, text, createdAt };
}
