import type { DataSource } from 'typeorm';
import { sqliteConnection } from '../database/sqlite-writes.js';
import type { DirectChat } from './chats.service.js';

/** The reads of seller–client chats with both parties' names that sign-ins and sign-outs make. */
export interface DirectChatReads {
  /** A direct chat by id, or null (lobbies and unknown ids alike). */
  byId(chatId: number): Promise<DirectChat | null>;
  /** The chat of a seller and a client, or null. */
  byParties(sellerId: number, clientId: number): Promise<DirectChat | null>;
  /** Every chat the user is a party to, as seller or client, oldest first. */
  ofUser(userId: number): Promise<DirectChat[]>;
}

type Row = { id: number; sellerId: number; sellerName: string; clientId: number; clientName: string };

/** The statements' conditions, with `p(n)` for their n-th parameter. */
const WHERE = {
  byId: (p: Placeholder) => `c."id" = ${p(1)}`,
  byParties: (p: Placeholder) => `c."seller_id" = ${p(1)} AND c."client_id" = ${p(2)}`,
  ofUser: (p: Placeholder) => `(c."seller_id" = ${p(1)} OR c."client_id" = ${p(2)}) ORDER BY c."id"`,
};

type Placeholder = (n: number) => string;

const select = (where: string) =>
  `SELECT c."id", c."seller_id" AS "sellerId", s."name" AS "sellerName", c."client_id" AS "clientId",
      k."name" AS "clientName"
    FROM "chats" c JOIN "users" s ON s."id" = c."seller_id" JOIN "users" k ON k."id" = c."client_id"
    WHERE c."kind" = 'direct' AND ${where}`;

/**
 * Statements, prepared once on SQLite, rather than TypeORM's query builder: a client signing in by token reads its
 * chat, a seller its chats, and every user's last connection closing reads its chats to announce it offline, so a
 * reconnect storm makes one of these reads per connection, and the builder's two joins took about ten times the CPU
 * of the statement.
 */
export function directChatReads(dataSource: DataSource): DirectChatReads {
  if (dataSource.options.type === 'better-sqlite3') {
    const db = sqliteConnection(dataSource);
    const byId = db.prepare<[number], Row>(select(WHERE.byId(() => '?')));
    const byParties = db.prepare<[number, number], Row>(select(WHERE.byParties(() => '?')));
    const ofUser = db.prepare<[number, number], Row>(select(WHERE.ofUser(() => '?')));
    return {
      byId: async (chatId) => directChat(byId.get(chatId)),
      byParties: async (sellerId, clientId) => directChat(byParties.get(sellerId, clientId)),
      ofUser: async (userId) => ofUser.all(userId, userId).map((row) => directChat(row)!),
    };
  }
  const numbered: Placeholder = (n) => `$${n}`;
  const rows = (where: string, parameters: number[]) => dataSource.query(select(where), parameters) as Promise<Row[]>;
  return {
    byId: async (chatId) => directChat((await rows(WHERE.byId(numbered), [chatId]))[0]),
    byParties: async (sellerId, clientId) =>
      directChat((await rows(WHERE.byParties(numbered), [sellerId, clientId]))[0]),
    ofUser: async (userId) => (await rows(WHERE.ofUser(numbered), [userId, userId])).map((row) => directChat(row)!),
  };
}

function directChat(row: Row | undefined): DirectChat | null {
  if (!row) return null;
  return {
    id: row.id,
    seller: { id: row.sellerId, name: row.sellerName },
    client: { id: row.clientId, name: row.clientName },
  };
}
