import { setTimeout as sleep } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { StorageUnavailableError } from '../common/refusal.js';
import { isBusy } from '../database/storage-faults.js';

export interface MessageRow {
  chatId: number;
  authorId: number;
  authorName: string;
  authorRole: string | null;
  text: string;
  /** A seller-chat message's clientDate (JSON), to recognise a resend; null in lobbies. */
  clientDate: string | null;
  createdAt: number;
}

/** Commits rows in one transaction, all or none, and returns their ids; throws the driver's error otherwise. */
export type CommitRows = (rows: MessageRow[]) => Promise<number[]>;

/** The columns a message row fills, in the order both writers bind them. */
const COLUMNS = ['chat_id', 'author_id', 'author_name', 'author_role', 'text', 'client_date', 'created_at'] as const;

/** A row's values in COLUMNS order. */
function columnValues(row: MessageRow): unknown[] {
  return [row.chatId, row.authorId, row.authorName, row.authorRole, row.text, row.clientDate, row.createdAt];
}

/** How long a writer waits between attempts at a write lock another connection holds. */
const BUSY_RETRY_DELAY_MS = 25;

export function messageCommitter(dataSource: DataSource, writeTimeoutMs: number): CommitRows {
  return dataSource.options.type === 'better-sqlite3'
    ? sqliteCommitter(
        (dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection,
        writeTimeoutMs,
      )
    : postgresCommitter(dataSource);
}

/**
 * SQLite, on better-sqlite3 directly rather than through TypeORM's query runner. TypeORM keeps its own idea of
 * whether a transaction is open, and after a failed COMMIT (SQLITE_FULL) that idea is wrong: later batches went into
 * a transaction that never committed, yet were acked. Here the whole transaction runs synchronously (nothing else can
 * interleave), SQLite's own `inTransaction` is the only state, and better-sqlite3 rolls back whatever a failure left
 * open, so each batch starts on a known-good connection.
 *
 * BEGIN IMMEDIATE takes the write lock first, so a lock held by another process fails the attempt before any row is
 * written. busy_timeout (SQLITE_BUSY_TIMEOUT_MS) bounds how long one attempt blocks the event loop; between attempts
 * the writer yields, until DATABASE_WRITE_TIMEOUT_MS has passed.
 */
function sqliteCommitter(db: BetterSqlite3.Database, writeTimeoutMs: number): CommitRows {
  const insert = db.prepare(
    `INSERT INTO "messages" (${COLUMNS.map((column) => `"${column}"`).join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
  );
  const commit = db.transaction((rows: MessageRow[]) =>
    rows.map((row) => Number(insert.run(...columnValues(row)).lastInsertRowid)),
  );
  return async (rows) => {
    const deadline = Date.now() + writeTimeoutMs;
    for (;;) {
      // A TypeORM transaction (which awaits between its statements) may be open on this one connection; better-sqlite3
      // would nest these rows in it as a savepoint, tying them to its outcome, so wait for it to end instead.
      if (!db.inTransaction) {
        try {
          return commit.immediate(rows);
        } catch (error) {
          if (!isBusy(error)) throw error;
        }
      }
      if (Date.now() >= deadline) {
        throw new StorageUnavailableError(`the database stayed locked for DATABASE_WRITE_TIMEOUT_MS=${writeTimeoutMs}`);
      }
      await sleep(BUSY_RETRY_DELAY_MS);
    }
  };
}

/**
 * PostgreSQL: the whole batch is one multi-row INSERT … RETURNING (one statement however many rows; the ids come
 * back in VALUES order), inside a transaction all the same: a statement whose answer is lost (a stalled network)
 * must not commit on its own, and the connection pg-client.ts closes after a timeout takes the transaction with it.
 */
function postgresCommitter(dataSource: DataSource): CommitRows {
  return async (rows) => {
    const values: unknown[] = [];
    const tuples = rows.map((row) => {
      const at = values.push(...columnValues(row));
      return `(${Array.from({ length: COLUMNS.length }, (_, i) => `$${at - COLUMNS.length + i + 1}`).join(', ')})`;
    });
    const inserted = (await dataSource.transaction((tx) =>
      tx.query(
        `INSERT INTO "messages" (${COLUMNS.map((column) => `"${column}"`).join(', ')}) VALUES ${tuples.join(', ')} RETURNING "id"`,
        values,
      ),
    )) as { id: number | string }[];
    return inserted.map((row) => Number(row.id));
  };
}
