import { setTimeout as sleep } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { StorageUnavailableError } from '../common/refusal.js';
import { isBusy } from './storage-faults.js';

/** The better-sqlite3 connection under a SQLite DataSource, for statements prepared once and run without TypeORM. */
export function sqliteConnection(dataSource: DataSource): BetterSqlite3.Database {
  return (dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
}

/** How long a writer waits between attempts at a write lock another connection holds. */
const BUSY_RETRY_DELAY_MS = 25;

/**
 * Makes `work` (better-sqlite3 statements, run synchronously) one write transaction, rather than going through
 * TypeORM's query runner. TypeORM keeps its own idea of whether a transaction is open, and after a failed COMMIT
 * (SQLITE_FULL) that idea is wrong: later writes went into a transaction that never committed, yet were acked. Here
 * the whole transaction runs synchronously (nothing else can interleave), SQLite's own `inTransaction` is the only
 * state, and better-sqlite3 rolls back whatever a failure left open, so each write starts on a known-good connection.
 *
 * BEGIN IMMEDIATE takes the write lock first, so a lock held by another process fails the attempt before anything
 * is written. busy_timeout (SQLITE_BUSY_TIMEOUT_MS) bounds how long one attempt blocks the event loop; between
 * attempts the writer yields, until `writeTimeoutMs` (DATABASE_WRITE_TIMEOUT_MS) has passed.
 */
export function immediateWrites<A, R>(
  db: BetterSqlite3.Database,
  work: (arg: A) => R,
  writeTimeoutMs: number,
): (arg: A) => Promise<R> {
  const transaction = db.transaction(work);
  return async (arg) => {
    const deadline = Date.now() + writeTimeoutMs;
    for (;;) {
      // A TypeORM transaction (which awaits between its statements) may be open on this one connection; better-sqlite3
      // would nest this work in it as a savepoint, tying it to its outcome, so wait for it to end instead.
      if (!db.inTransaction) {
        try {
          return transaction.immediate(arg);
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
