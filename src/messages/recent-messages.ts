import type { DataSource } from 'typeorm';
import { type PreparedRead, preparedRead } from '../database/prepared-reads.js';
import type { StoredMessage } from './messages.service.js';

/** A chat's newest `limit` messages, oldest first. */
export type RecentMessages = (chatId: number, limit: number) => Promise<StoredMessage[]>;

type Row = Omit<StoredMessage, 'createdAt'> & { createdAt: number | string };

/**
 * How many limits get a statement of their own (the histories' settings, the back office's usual page sizes); any
 * other limit is bound as a parameter.
 */
const LIMITS_WRITTEN_IN = 8;

/**
 * A statement rather than TypeORM's `find`: every seller or client signing in by token reads its chats' histories
 * with it, so a reconnect storm makes one read per chat per connection, and building the query through TypeORM was
 * most of a token sign-in's own CPU. Uses the `(chat_id, id)` index, newest first. SQLite plans a statement again
 * each time a LIMIT is bound anew (webhook-queue.ts), which doubled the read, so the limits in use are written into
 * statements of their own.
 */
export function recentMessagesReader(dataSource: DataSource): RecentMessages {
  const select = (limit: string) =>
    `SELECT "id", "chat_id" AS "chatId", "author_id" AS "authorId", "author_name" AS "authorName",
        "author_role" AS "authorRole", "text", "created_at" AS "createdAt"
      FROM "messages" WHERE "chat_id" = ? ORDER BY "id" DESC LIMIT ${limit}`;
  const bound = preparedRead<[number, number], Row>(dataSource, select('?'));
  const byLimit = new Map<number, PreparedRead<[number], Row>>();
  const newest = (chatId: number, limit: number) => {
    let read = byLimit.get(limit);
    if (!read && byLimit.size < LIMITS_WRITTEN_IN) {
      read = preparedRead<[number], Row>(dataSource, select(String(limit)));
      byLimit.set(limit, read);
    }
    return read ? read(chatId) : bound(chatId, limit);
  };
  return async (chatId, limit) => {
    if (limit === 0) return [];
    const rows = await newest(chatId, Math.trunc(limit));
    const messages: StoredMessage[] = new Array(rows.length);
    // Newest first from the index; the reply lists them oldest first. BIGINT arrives as a string from PostgreSQL.
    for (let i = 0; i < rows.length; i++) {
      const { id, chatId: chat, authorId, authorName, authorRole, text, createdAt } = rows[rows.length - 1 - i];
      messages[i] = { id, chatId: chat, authorId, authorName, authorRole, text, createdAt: Number(createdAt) };
    }
    return messages;
  };
}
