import type { DataSource } from 'typeorm';
import { immediateWrites, sqliteConnection } from '../database/sqlite-writes.js';

/** A client who named themselves to a seller's widget: its user row, its token's hash and its chat with the seller. */
export interface NewClientRow {
  name: string;
  tokenHash: string;
  sellerId: number;
  createdAt: number;
}

/** Writes a NewClientRow, all or nothing; resolves with the ids of the client and of its chat. */
export type WriteNewClient = (row: NewClientRow) => Promise<{ clientId: number; chatId: number }>;

/**
 * A name auth creates three rows. Through TypeORM that was three statements built and prepared anew each time
 * (TypeORM writes numbers into an INSERT's text) and three commits; here it is one transaction of statements
 * prepared once (SQLite) or one statement (PostgreSQL), and a client never exists without its chat.
 */
export function newClientWriter(dataSource: DataSource, writeTimeoutMs: number): WriteNewClient {
  return dataSource.options.type === 'better-sqlite3'
    ? sqliteWriter(dataSource, writeTimeoutMs)
    : postgresWriter(dataSource);
}

function sqliteWriter(dataSource: DataSource, writeTimeoutMs: number): WriteNewClient {
  const db = sqliteConnection(dataSource);
  const user = db.prepare(
    `INSERT INTO "users" ("kind", "name", "uname_key", "role", "created_at") VALUES ('client', ?, NULL, 'member', ?)`,
  );
  const token = db.prepare(`INSERT INTO "access_tokens" ("user_id", "token_hash", "created_at") VALUES (?, ?, ?)`);
  const chat = db.prepare(
    `INSERT INTO "chats" ("kind", "app_id", "seller_id", "client_id", "created_at") VALUES ('direct', NULL, ?, ?, ?)`,
  );
  return immediateWrites(
    db,
    ({ name, tokenHash, sellerId, createdAt }: NewClientRow) => {
      const clientId = Number(user.run(name, createdAt).lastInsertRowid);
      token.run(clientId, tokenHash, createdAt);
      return { clientId, chatId: Number(chat.run(sellerId, clientId, createdAt).lastInsertRowid) };
    },
    writeTimeoutMs,
  );
}

/** One statement, so atomic on its own: the token and the chat take the client's id from the first INSERT. */
function postgresWriter(dataSource: DataSource): WriteNewClient {
  return async ({ name, tokenHash, sellerId, createdAt }) => {
    const [row] = (await dataSource.query(
      `WITH "client" AS (
         INSERT INTO "users" ("kind", "name", "uname_key", "role", "created_at")
         VALUES ('client', $1, NULL, 'member', $2) RETURNING "id"
       ), "token" AS (
         INSERT INTO "access_tokens" ("user_id", "token_hash", "created_at") SELECT "id", $3, $2 FROM "client"
       )
       INSERT INTO "chats" ("kind", "app_id", "seller_id", "client_id", "created_at")
       SELECT 'direct', NULL, $4, "id", $2 FROM "client" RETURNING "id", "client_id"`,
      [name, createdAt, tokenHash, sellerId],
    )) as { id: number | string; client_id: number | string }[];
    return { clientId: Number(row.client_id), chatId: Number(row.id) };
  };
}
