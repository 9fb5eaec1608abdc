import { DataSource, type DataSourceOptions } from 'typeorm';

/** Any fixed number: the PostgreSQL advisory lock instances take while one of them migrates. */
const MIGRATION_LOCK = 0x63686174; // "chat"

/**
 * Opens the database and, when asked, applies pending migrations. On PostgreSQL, instances started together
 * take turns under an advisory lock: the first applies them, the others then find nothing pending. (SQLite
 * serves one instance; its file lock is enough.)
 */
export async function openDatabase(options: DataSourceOptions, runMigrations: boolean): Promise<DataSource> {
  const dataSource = await new DataSource(options).initialize();
  if (!runMigrations) return dataSource;
  try {
    await migrate(dataSource);
  } catch (error) {
    // Closed, so that a caller retrying the opening (start-database) leaves no connection behind.
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
  return dataSource;
}

async function migrate(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'postgres') {
    await dataSource.runMigrations();
    return;
  }
  const lock = dataSource.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations();
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.release();
  }
}
