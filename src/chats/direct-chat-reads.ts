import type { DataSource } from 'typeorm';
import { preparedRead } from '../database/prepared-reads.js';
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

const select = (where: string) =>
  `SELECT c."id", c."seller_id" AS "sellerId", s."name" AS "sellerName", c."client_id" AS "clientId",
      k."name" AS "clientName"
    FROM "chats" c JOIN "users" s ON s."id" = c."seller_id" JOIN "users" k ON k."id" = c."client_id"
    WHERE c."kind" = 'direct' AND ${where}`;

/**
 * Statements rather than TypeORM's query builder: a client signing in by token reads its chat, a seller its chats,
 * and every user's last connection closing reads its chats to announce it offline, so a reconnect storm makes one of
 * these reads per connection, and the builder's two joins took 200–360 µs of CPU a read against 2–9 µs.
 */
export function directChatReads(dataSource: DataSource): DirectChatReads {
  const byId = preparedRead<[number], Row>(dataSource, select(`c."id" = ?`));
  const byParties = preparedRead<[number, number], Row>(dataSource, select(`c."seller_id" = ? AND c."client_id" = ?`));
  const ofUser = preparedRead<[number, number], Row>(
    dataSource,
    select(`(c."seller_id" = ? OR c."client_id" = ?) ORDER BY c."id"`),
  );
  return {
    byId: async (chatId) => (await byId(chatId)).map(directChat)[0] ?? null,
    byParties: async (sellerId, clientId) => (await byParties(sellerId, clientId)).map(directChat)[0] ?? null,
    ofUser: async (userId) => (await ofUser(userId, userId)).map(directChat),
  };
}

function directChat(row: Row): DirectChat {
  return {
    id: row.id,
    seller: { id: row.sellerId, name: row.sellerName },
    client: { id: row.clientId, name: row.clientName },
  };
}
