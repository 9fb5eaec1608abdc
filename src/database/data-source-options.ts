import type { DataSourceOptions } from 'typeorm';
import { AppEntity } from '../apps/app.entity.js';
import { AppStaffEntity } from '../apps/app-staff.entity.js';
import { ChatEntity } from '../chats/chat.entity.js';
import type { DatabaseSettings } from '../config/areas/database.settings.js';
import { MessageEntity } from '../messages/message.entity.js';
import { LobbyLastPostEntity } from '../moderation/lobby-last-post.entity.js';
import { LobbySettingsEntity } from '../moderation/lobby-settings.entity.js';
import { ModerationLogEntity } from '../moderation/moderation-log.entity.js';
import { MuteEntity } from '../mutes/mute.entity.js';
import { AccessTokenEntity } from '../users/access-token.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { WEBHOOK_ENTITIES } from '../webhooks/webhook.entities.js';
import { ClosingOnTimeoutClient } from './pg-client.js';
import { Init1763780000000 as PostgresInit } from './migrations/postgres/1763780000000-Init.js';
import { Init1763780000000 as SqliteInit } from './migrations/sqlite/1763780000000-Init.js';
import { AppAllowedOrigins1763790000000 as PostgresAppOrigins } from './migrations/postgres/1763790000000-AppAllowedOrigins.js';
import { AppAllowedOrigins1763790000000 as SqliteAppOrigins } from './migrations/sqlite/1763790000000-AppAllowedOrigins.js';
import { MessageClientDate1763790000001 as PostgresClientDate } from './migrations/postgres/1763790000001-MessageClientDate.js';
import { MessageClientDate1763790000001 as SqliteClientDate } from './migrations/sqlite/1763790000001-MessageClientDate.js';
import { MessageResendIndex1763790000002 as PostgresResendIndex } from './migrations/postgres/1763790000002-MessageResendIndex.js';
import { MessageResendIndex1763790000002 as SqliteResendIndex } from './migrations/sqlite/1763790000002-MessageResendIndex.js';
import { SellerOfflineMessages1763790000003 as PostgresOfflineMessages } from './migrations/postgres/1763790000003-SellerOfflineMessages.js';
import { SellerOfflineMessages1763790000003 as SqliteOfflineMessages } from './migrations/sqlite/1763790000003-SellerOfflineMessages.js';
import { ChatSellerRead1763790000004 as PostgresSellerRead } from './migrations/postgres/1763790000004-ChatSellerRead.js';
import { ChatSellerRead1763790000004 as SqliteSellerRead } from './migrations/sqlite/1763790000004-ChatSellerRead.js';
import { Webhooks1763790000005 as PostgresWebhooks } from './migrations/postgres/1763790000005-Webhooks.js';
import { Webhooks1763790000005 as SqliteWebhooks } from './migrations/sqlite/1763790000005-Webhooks.js';
import { WebhookTimers1763790000006 as PostgresWebhookTimers } from './migrations/postgres/1763790000006-WebhookTimers.js';
import { WebhookTimers1763790000006 as SqliteWebhookTimers } from './migrations/sqlite/1763790000006-WebhookTimers.js';
import { LobbyModeration1763790022000 as PostgresModeration } from './migrations/postgres/1763790022000-LobbyModeration.js';
import { LobbyModeration1763790022000 as SqliteModeration } from './migrations/sqlite/1763790022000-LobbyModeration.js';
import { WebhookRetention1763790022001 as PostgresWebhookRetention } from './migrations/postgres/1763790022001-WebhookRetention.js';
import { WebhookRetention1763790022001 as SqliteWebhookRetention } from './migrations/sqlite/1763790022001-WebhookRetention.js';
import { ChatClientIndex1763790022002 as PostgresChatClientIndex } from './migrations/postgres/1763790022002-ChatClientIndex.js';
import { ChatClientIndex1763790022002 as SqliteChatClientIndex } from './migrations/sqlite/1763790022002-ChatClientIndex.js';

export const ENTITIES = [
  UserEntity,
  AccessTokenEntity,
  AppEntity,
  AppStaffEntity,
  ChatEntity,
  MessageEntity,
  MuteEntity,
  LobbySettingsEntity,
  LobbyLastPostEntity,
  ModerationLogEntity,
  ...WEBHOOK_ENTITIES,
];

const MIGRATIONS = {
  sqlite: [
    SqliteInit,
    SqliteAppOrigins,
    SqliteClientDate,
    SqliteResendIndex,
    SqliteOfflineMessages,
    SqliteSellerRead,
    SqliteWebhooks,
    SqliteWebhookTimers,
    SqliteModeration,
    SqliteWebhookRetention,
    SqliteChatClientIndex,
  ],
  postgres: [
    PostgresInit,
    PostgresAppOrigins,
    PostgresClientDate,
    PostgresResendIndex,
    PostgresOfflineMessages,
    PostgresSellerRead,
    PostgresWebhooks,
    PostgresWebhookTimers,
    PostgresModeration,
    PostgresWebhookRetention,
    PostgresChatClientIndex,
  ],
};

/**
 * The one place database options are built: used by the app and by `ormconfig.ts` for the TypeORM CLI.
 * Migrations are run by `openDatabase` (migrate.ts) or the CLI, never on initialize. The SQLite file's directory is
 * created by `startDatabase`, which reports a failure as one line.
 */
export function buildDataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  const database = settings.connection;
  const common = {
    entities: ENTITIES,
    migrationsRun: false,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    // TypeORM's logger prints query parameters (message texts, token hashes): errors are logged by callers.
    logging: false,
  };
  if (database.kind === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: database.url,
      migrations: MIGRATIONS.postgres,
      connectTimeoutMS: settings.postgresConnectTimeoutMs,
      // statement_timeout is enforced by the server (the connection stays usable); query_timeout by pg here, for a
      // server or network that stops answering. Keepalive finds connections a dead peer left half-open.
      extra: {
        Client: ClosingOnTimeoutClient,
        statement_timeout: settings.postgresStatementTimeoutMs,
        query_timeout: settings.postgresQueryTimeoutMs,
        keepAlive: true,
      },
      // pg reports connections that die while idle in the pool here (a restart, pg_terminate_backend); the pool
      // has already dropped them and opens new ones on demand, and TypeORM's default handler would print the error.
      poolErrorHandler: () => {},
    };
  }
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.path,
    migrations: MIGRATIONS.sqlite,
    enableWAL: true,
    // TypeORM writes numeric parameters into the SQL text for SQLite, so nearly every query (ids, timestamps) is a
    // new statement and its FIFO cache of 100 only churns. A cached statement then lives on until it is pushed out,
    // old enough to be promoted, and better-sqlite3 finalizes each one in a weak callback inside the next
    // mark-compact: after the bench's 1000 lobby joins that was one 139 ms pause for ~9000 statements. Uncached,
    // statements die young and are finalized a few at a time by scavenges. Hot writes keep their own statements
    // (messages/message-writer.ts, chats/new-client-writer.ts).
    statementCacheSize: 0,
    // NORMAL with WAL loses no committed transaction on a process crash (only on power loss), at a
    // fraction of FULL's fsync cost; foreign keys are off by default in SQLite. better-sqlite3 is synchronous,
    // so busy_timeout is how long a lock held by another process freezes the event loop: it is kept short and
    // writers retry after yielding (messages/message-writer.ts).
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma(`busy_timeout = ${settings.sqliteBusyTimeoutMs}`);
    },
  };
}
