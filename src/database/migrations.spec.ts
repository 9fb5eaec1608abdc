import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../test/support/database.js';
import { openMigrated } from '../../test/support/migrated-database.js';

describe('migrations', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await freshDatabase();
    dataSource = await openMigrated(db.url);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('build exactly the schema the entities describe', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('are applied once when several instances open the database together', async () => {
    const opened = await Promise.all([1, 2, 3].map(() => openMigrated(db.url)));
    try {
      for (const other of opened) expect(await other.showMigrations()).toBe(false);
      const applied = await dataSource.query('SELECT COUNT(*) AS n FROM migrations');
      expect(Number(applied[0].n)).toBe(dataSource.migrations.length);
    } finally {
      await Promise.all(opened.map((other) => other.destroy()));
    }
  });

  it('can be reverted and applied again', async () => {
    await dataSource.undoLastMigration();
    await dataSource.runMigrations();
    expect(await dataSource.showMigrations()).toBe(false);
  });
});
