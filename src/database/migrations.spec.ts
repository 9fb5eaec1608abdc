import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../test/support/database.js';
import { loadConfig, parseDatabaseUrl } from '../config/app-config.js';
import { buildDataSourceOptions } from './data-source-options.js';

describe('migrations', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await freshDatabase();
    dataSource = await new DataSource(buildDataSourceOptions(parseDatabaseUrl(db.url), true, loadConfig({}))).initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('build exactly the schema the entities describe', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('can be reverted and applied again', async () => {
    await dataSource.undoLastMigration();
    await dataSource.runMigrations();
    expect(await dataSource.showMigrations()).toBe(false);
  });
});
