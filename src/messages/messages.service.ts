import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, In, MoreThanOrEqual, type Repository } from 'typeorm';
import { GroupCommit } from '../database/group-commit.js';
import { Metrics } from '../operations/metrics.js';
import { MessageEntity } from './message.entity.js';
import { Clock } from '../common/clock.js';

export interface NewMessage {
  chatId: number;
  authorId: number;
  authorName: string;
  authorRole: string | null;
  text: string;
  /** The seller-chat client's clientDate, as JSON (see `findResent`). */
  clientDate?: string | null;
}

export type StoredMessage = Omit<NewMessage, 'clientDate'> & { id: number; createdAt: number };

/** Most rows one transaction takes; bounds how long a batch holds the write lock. */
const MAX_BATCH = 500;

@Injectable()
export class MessagesService implements BeforeApplicationShutdown {
  private readonly writer: GroupCommit<NewMessage, StoredMessage>;

  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    @InjectDataSource() dataSource: DataSource,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {
    this.writer = new GroupCommit((batch) => this.commitBatch(dataSource, batch), MAX_BATCH);
  }

  /** Resolves once the message is committed: callers may acknowledge it then. */
  append(message: NewMessage): Promise<StoredMessage> {
    return this.writer.submit(message);
  }

  /** The chat's last `limit` messages, oldest first. */
  async recent(chatId: number, limit: number): Promise<StoredMessage[]> {
    if (limit === 0) return [];
    const rows = await this.messages.find({ where: { chatId }, order: { id: 'DESC' }, take: limit });
    return rows.reverse().map(toStored);
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

  /** The first message of this author, chat, clientDate and text stored since `since`, or null. */
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

  async remove(chatId: number, messageId: number): Promise<boolean> {
    const result = await this.messages.delete({ chatId, id: messageId });
    return (result.affected ?? 0) > 0;
  }

  /** Writes still queued are committed before the database closes (on SIGTERM, say). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.writer.flush();
  }

  private async commitBatch(dataSource: DataSource, batch: NewMessage[]): Promise<StoredMessage[]> {
    const started = performance.now();
    const stored = await this.insertBatch(dataSource, batch);
    this.metrics.commitBatchSize.observe(batch.length);
    this.metrics.commitSeconds.observe((performance.now() - started) / 1000);
    return stored;
  }

  private insertBatch(dataSource: DataSource, batch: NewMessage[]): Promise<StoredMessage[]> {
    const createdAt = this.clock.now();
    return dataSource.transaction(async (tx) => {
      const stored: StoredMessage[] = [];
      // Row by row inside one transaction: SQLite reports only the last id of a multi-row insert, and the
      // commit, not the insert, is what costs.
      for (const message of batch) {
        const result = await tx.insert(MessageEntity, { ...message, createdAt });
        const { clientDate: _, ...fields } = message;
        stored.push({ ...fields, id: Number(result.identifiers[0].id), createdAt });
      }
      return stored;
    });
  }
}

function toStored(row: MessageEntity): StoredMessage {
  const { id, chatId, authorId, authorName, authorRole, text, createdAt } = row;
  return { id, chatId, authorId, authorName, authorRole, text, createdAt };
}
