import type { DataSource } from 'typeorm';
import { GroupCommit } from '../database/group-commit.js';
import { immediateWrites, sqliteConnection } from '../database/sqlite-writes.js';
import {
  outboxRow,
  outboxValues,
  postgresOutboxInsert,
  SQLITE_OUTBOX_INSERT,
  type WebhookEvent,
} from '../webhooks/webhook-events.js';

/** A client who named themselves to a seller's widget: its user row, its token's hash and its chat with the seller. */
export interface NewClientRow {
  name: string;
  tokenHash: string;
  sellerId: number;
  createdAt: number;
  /** The webhook event of the new chat, given its ids: written in the same transaction. Null: none wanted. */
  event: ((created: { clientId: number; chatId: number }) => WebhookEvent) | null;
}

/** What a NewClientRow became, with the seller's name; null (and nothing written) when there is no such seller. */
export type NewClient = { clientId: number; chatId: number; sellerName: string; offlineMessages: boolean } | null;

/** Writes a NewClientRow, all or nothing. */
export type WriteNewClient = (row: NewClientRow) => Promise<NewClient>;

/**
 * A name auth checks its seller and creates three rows. Through TypeORM that was a query and three statements
 * built and prepared anew each time (TypeORM writes numbers into an INSERT's text) with three commits; here it is
 * one transaction of statements prepared once, shared by the name auths arriving together (SQLite), or one
 * statement (PostgreSQL), and a client never exists without its chat.
 */
export function newClientWriter(dataSource: DataSource, writeTimeoutMs: number): WriteNewClient {
  return dataSource.options.type === 'better-sqlite3'
    ? sqliteWriter(dataSource, writeTimeoutMs)
    : postgresWriter(dataSource);
}

/** Most name auths one SQLite transaction takes; bounds how long a batch holds the write lock. */
const MAX_SQLITE_BATCH = 100;

/**
 * Name auths arriving together share one transaction (GroupCommit): a commit writes every page the three inserts
 * dirtied, and per auth that was most of a name auth's CPU. Each auth is a savepoint of its own within the batch,
 * so one that fails is rolled back alone and the others commit.
 */
function sqliteWriter(dataSource: DataSource, writeTimeoutMs: number): WriteNewClient {
  const db = sqliteConnection(dataSource);
  const seller = db.prepare<[number], { name: string; offlineMessages: number }>(
    `SELECT "name", "offline_messages" AS "offlineMessages" FROM "users" WHERE "id" = ? AND "kind" = 'seller'`,
  );
  const user = db.prepare(
    `INSERT INTO "users" ("kind", "name", "uname_key", "role", "created_at") VALUES ('client', ?, NULL, 'member', ?)`,
  );
  const token = db.prepare(`INSERT INTO "access_tokens" ("user_id", "token_hash", "created_at") VALUES (?, ?, ?)`);
  const chat = db.prepare(
    `INSERT INTO "chats" ("kind", "app_id", "seller_id", "client_id", "created_at") VALUES ('direct', NULL, ?, ?, ?)`,
  );
  const insertEvent = db.prepare(SQLITE_OUTBOX_INSERT);
  const writeOne = db.transaction(({ name, tokenHash, sellerId, createdAt, event }: NewClientRow): NewClient => {
    const found = seller.get(sellerId);
    if (found === undefined) return null;
    const clientId = Number(user.run(name, createdAt).lastInsertRowid);
    token.run(clientId, tokenHash, createdAt);
    const chatId = Number(chat.run(sellerId, clientId, createdAt).lastInsertRowid);
    if (event) insertEvent.run(...outboxValues(outboxRow(event({ clientId, chatId }), createdAt)));
    return { clientId, chatId, sellerName: found.name, offlineMessages: found.offlineMessages === 1 };
  });
  const writeBatch = immediateWrites(
    db,
    (rows: NewClientRow[]): PromiseSettledResult<NewClient>[] =>
      rows.map((row) => {
        try {
          return { status: 'fulfilled', value: writeOne(row) };
        } catch (reason) {
          return { status: 'rejected', reason };
        }
      }),
    writeTimeoutMs,
  );
  const batches = new GroupCommit<NewClientRow, NewClient>(writeBatch, MAX_SQLITE_BATCH);
  return (row) => batches.submit(row);
}

/**
 * One statement, so atomic on its own: the client is inserted only if the seller is found, and the token and the
 * chat take the client's id from that INSERT.
 */
function postgresWriter(dataSource: DataSource): WriteNewClient {
  const write = async (query: Query, { name, tokenHash, sellerId, createdAt, event }: NewClientRow) => {
    const [row] = (await query(
      `WITH "seller" AS (
         SELECT "id", "name", "offline_messages" FROM "users" WHERE "id" = $4::integer AND "kind" = 'seller'
       ), "client" AS (
         INSERT INTO "users" ("kind", "name", "uname_key", "role", "created_at")
         SELECT 'client', $1::varchar, NULL, 'member', $2::bigint FROM "seller" RETURNING "id"
       ), "token" AS (
         INSERT INTO "access_tokens" ("user_id", "token_hash", "created_at")
         SELECT "id", $3::varchar, $2::bigint FROM "client"
       ), "chat" AS (
         INSERT INTO "chats" ("kind", "app_id", "seller_id", "client_id", "created_at")
         SELECT 'direct', NULL, $4::integer, "id", $2::bigint FROM "client" RETURNING "id", "client_id"
       )
       SELECT "chat"."id" AS "chatId", "chat"."client_id" AS "clientId", "seller"."name" AS "sellerName",
         "seller"."offline_messages" AS "offlineMessages"
       FROM "chat", "seller"`,
      [name, createdAt, tokenHash, sellerId],
    )) as { chatId: number | string; clientId: number | string; sellerName: string; offlineMessages: boolean }[];
    if (!row) return null;
    const { sellerName, offlineMessages } = row;
    const created = { clientId: Number(row.clientId), chatId: Number(row.chatId) };
    const insert = event && postgresOutboxInsert([outboxRow(event(created), createdAt)]);
    if (insert) await query(insert.sql, insert.values);
    return { ...created, sellerName, offlineMessages };
  };
  // With an event, the statement and the event's row are one transaction; without, the statement is atomic alone.
  return (row) =>
    row.event
      ? dataSource.transaction((tx) => write((sql, values) => tx.query(sql, values), row))
      : write((sql, values) => dataSource.query(sql, values), row);
}

type Query = (sql: string, values: unknown[]) => Promise<unknown>;
