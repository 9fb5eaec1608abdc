import type { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config.js';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { openDatabase } from '../../src/database/migrate.js';

/** A DataSource on the database at `url` as the app opens it, with every migration applied. */
export function openMigrated(url: string): Promise<DataSource> {
  return openDatabase(buildDataSourceOptions(loadConfig({ DATABASE_URL: url }).database), true);
}
