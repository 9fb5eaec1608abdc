import { settingsArea } from '../settings-area.js';
import { ConfigError, type SettingsReader } from '../settings-reader.js';

export type DatabaseConfig =
  | { kind: 'sqlite'; path: string } // path is ':memory:' for an in-memory database
  | { kind: 'postgres'; url: string };

export const DEFAULT_DATABASE_URL = 'sqlite:./data/chatgate.sqlite';

/**
 * The database, and every wait on it (docs/operations.md, "Storage faults"): opening it, its writes and statements,
 * the SQLite write-ahead log and file checks.
 */
export interface DatabaseSettings {
  readonly connection: DatabaseConfig;
  readonly runMigrations: boolean;
  /** How long opening the database (all attempts, migrations included) may take before the process exits. */
  readonly startTimeoutMs: number;
  /** Further attempts to open the database after a transient failure (refused, timed out); permanent ones get none. */
  readonly startRetries: number;
  /** How long a message write may wait for the SQLite write lock before its writers get the protocol's error. */
  readonly writeTimeoutMs: number;
  /** How long one SQLite statement may block the event loop waiting for a lock before it yields and retries. */
  readonly sqliteBusyTimeoutMs: number;
  /** How often a worker thread checkpoints SQLite's write-ahead log (sqlite-checkpointer.ts); 0 leaves it to SQLite. */
  readonly sqliteCheckpointIntervalMs: number;
  /** With the checkpoint thread: the log's size in pages past which the server's own commit checkpoints it too. */
  readonly sqliteWalMaxPages: number;
  /** PostgreSQL: connecting, one statement on the server, and one query's round trip from here. */
  readonly postgresConnectTimeoutMs: number;
  readonly postgresStatementTimeoutMs: number;
  readonly postgresQueryTimeoutMs: number;
  /** How often the SQLite file's identity and writability are checked (see StorageHealth). */
  readonly storageCheckIntervalMs: number;
}

export function readDatabaseSettings(read: SettingsReader): DatabaseSettings {
  return {
    connection: read.parsed(
      () => parseDatabaseUrl(read.text('DATABASE_URL', DEFAULT_DATABASE_URL)),
      parseDatabaseUrl(DEFAULT_DATABASE_URL),
    ),
    runMigrations: read.boolean('RUN_MIGRATIONS', true),
    startTimeoutMs: read.integer('DATABASE_START_TIMEOUT_MS', 10_000, 100, 600_000),
    startRetries: read.integer('DATABASE_START_RETRIES', 3, 0, 100),
    writeTimeoutMs: read.integer('DATABASE_WRITE_TIMEOUT_MS', 5000, 10, 600_000),
    sqliteBusyTimeoutMs: read.integer('SQLITE_BUSY_TIMEOUT_MS', 20, 0, 1000),
    sqliteCheckpointIntervalMs: read.integer('SQLITE_CHECKPOINT_INTERVAL_MS', 1000, 0, 600_000),
    sqliteWalMaxPages: read.integer('SQLITE_WAL_MAX_PAGES', 10_000, 100, 10_000_000),
    postgresConnectTimeoutMs: read.integer('POSTGRES_CONNECT_TIMEOUT_MS', 5000, 100, 600_000),
    postgresStatementTimeoutMs: read.integer('POSTGRES_STATEMENT_TIMEOUT_MS', 5000, 10, 600_000),
    postgresQueryTimeoutMs: read.integer('POSTGRES_QUERY_TIMEOUT_MS', 7000, 10, 600_000),
    storageCheckIntervalMs: read.integer('STORAGE_CHECK_INTERVAL_MS', 1000, 50, 600_000),
  };
}

export function parseDatabaseUrl(value: string): DatabaseConfig {
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    if (!path) throw new ConfigError('DATABASE_URL', 'needs a path after "sqlite:" (or ":memory:")');
    return { kind: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid postgres:// URL');
    }
    return { kind: 'postgres', url: value };
  }
  throw new ConfigError('DATABASE_URL', 'must start with "sqlite:" or "postgres://"');
}

export const databaseSettings = settingsArea<DatabaseSettings>('database');
