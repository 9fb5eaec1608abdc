import type { DataSource } from 'typeorm';
import { sqliteConnection } from './sqlite-writes.js';

type SqliteRunner = { isTransactionActive: boolean; transactionDepth: number; rollbackTransaction(): Promise<void> };

/**
 * TypeORM's SQLite driver has one query runner, which keeps its own idea of whether a transaction is open. When a
 * COMMIT fails after SQLite has already rolled the transaction back (SQLITE_FULL), the ROLLBACK TypeORM sends next
 * fails too and the runner stays "in a transaction": later transactions become savepoints of nothing, and the first
 * of them that fails leaves a real transaction open for good, in which every later write is acknowledged and never
 * committed. Here a failed rollback ends whatever SQLite still has open and resets the runner to match, so it is
 * known-good before the next write.
 */
export function resyncTransactionStateOnFailure(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3') return;
  const db = sqliteConnection(dataSource);
  const runner = dataSource.createQueryRunner() as unknown as SqliteRunner;
  const rollback = runner.rollbackTransaction.bind(runner);
  runner.rollbackTransaction = async () => {
    try {
      await rollback();
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      runner.isTransactionActive = false;
      runner.transactionDepth = 0;
      throw error;
    }
  };
}
