import type { ConfigType } from '@nestjs/config';
import { adminSettings, readAdminSettings } from './areas/admin.settings.js';
import { cacheSettings, readCacheSettings } from './areas/cache.settings.js';
import { clusterSettings, readClusterSettings } from './areas/cluster.settings.js';
import { connectionSettings, readConnectionSettings } from './areas/connections.settings.js';
import { databaseSettings, readDatabaseSettings } from './areas/database.settings.js';
import { demoSettings, readDemoSettings } from './areas/demo.settings.js';
import { httpSettings, readHttpSettings } from './areas/http.settings.js';
import { limitSettings, readLimitSettings } from './areas/limits.settings.js';
import { lobbySettings, readLobbySettings } from './areas/lobby.settings.js';
import { operationsSettings, readOperationsSettings } from './areas/operations.settings.js';
import { readRecoverySettings, recoverySettings } from './areas/recovery.settings.js';
import { readSellerSettings, sellerSettings } from './areas/seller.settings.js';
import { readUserDirectorySettings, userDirectorySettings } from './areas/user-directory.settings.js';
import { readWebhookSettings, webhookSettings } from './areas/webhooks.settings.js';
import { ConfigError, type Env, SettingsReader, type SettingShape } from './settings-reader.js';

export { ConfigError, type SettingShape } from './settings-reader.js';

/**
 * Every area of the settings, by its name: its key in AppConfig and its `@nestjs/config` namespace (src/config/areas/,
 * one file each). ConfigModule.forRoot(config) provides each area under its namespace's key; services inject their
 * own area, never the whole configuration.
 */
export const SETTINGS_AREAS = {
  admin: adminSettings,
  database: databaseSettings,
  http: httpSettings,
  lobby: lobbySettings,
  seller: sellerSettings,
  recovery: recoverySettings,
  connections: connectionSettings,
  limits: limitSettings,
  cluster: clusterSettings,
  operations: operationsSettings,
  userDirectory: userDirectorySettings,
  cache: cacheSettings,
  webhooks: webhookSettings,
  demo: demoSettings,
};

/**
 * The whole runtime configuration, read once from the environment and validated before anything starts: one object
 * of areas (`config.lobby.historySize`). Only the roots that compose an app hold it whole (main.ts, bootstrap.ts,
 * AppModule/CoreModule.forRoot, ChatgateTestingModule, tests that build apps from explicit values), so tests build
 * apps from explicit values instead of mutating `process.env`.
 */
export type AppConfig = { readonly [Area in keyof typeof SETTINGS_AREAS]: ConfigType<(typeof SETTINGS_AREAS)[Area]> };

/**
 * Reads every area's settings from `env` with one SettingsReader; throws one ConfigError naming every invalid
 * setting, not only the first. `observe` is told of every setting as it is read (see `settingShapes`).
 */
export function loadConfig(env: Env, observe?: (shape: SettingShape) => void): AppConfig {
  const read = new SettingsReader(env, observe);
  const admin = readAdminSettings(read);
  const database = readDatabaseSettings(read);
  const config: AppConfig = {
    admin,
    database,
    http: readHttpSettings(read),
    lobby: readLobbySettings(read),
    seller: readSellerSettings(read),
    recovery: readRecoverySettings(read),
    connections: readConnectionSettings(read),
    limits: readLimitSettings(read),
    cluster: readClusterSettings(read),
    operations: readOperationsSettings(read),
    userDirectory: readUserDirectorySettings(read),
    cache: readCacheSettings(read),
    webhooks: readWebhookSettings(read),
    demo: readDemoSettings(read, database.connection),
  };
  if (config.cluster.redisUrl && database.connection.kind === 'sqlite') {
    // Several instances share one database; a SQLite file cannot be shared between hosts.
    read.invalid(
      'REDIS_URL',
      'joins several instances, which needs PostgreSQL: set DATABASE_URL to a postgres:// URL',
      null,
    );
  }
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}

/** Every setting loadConfig reads, in the order it reads them, with its default (for an empty environment). */
export function settingShapes(): SettingShape[] {
  const shapes = new Map<string, SettingShape>();
  loadConfig({}, (shape) => shapes.set(shape.name, { ...shapes.get(shape.name), ...shape }));
  return [...shapes.values()];
}
