import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../test/support/database.js';
import { openMigrated } from '../../test/support/migrated-database.js';
import { type ReadAppAccess, appAccessReader } from './app-access.js';
import { AppStaffEntity } from './app-staff.entity.js';
import { AppEntity } from './app.entity.js';

describe('appAccessReader', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let read: ReadAppAccess;
  const ids: Record<'staffed' | 'bare', number> = {} as never;

  beforeAll(async () => {
    db = await freshDatabase();
    dataSource = await openMigrated(db.url);
    read = appAccessReader(dataSource);
    const apps = dataSource.getRepository(AppEntity);
    ids.staffed = (
      await apps.save({
        name: 'Dice',
        allowedOrigins: '["https://dice.example","http://localhost:8080"]',
        createdAt: 1,
      })
    ).id;
    ids.bare = (await apps.save({ name: 'Bare', allowedOrigins: null, createdAt: 2 })).id;
    await dataSource.getRepository(AppStaffEntity).insert([
      { appId: ids.staffed, role: 'mod', uname: 'Zed', unameKey: 'zed' },
      { appId: ids.staffed, role: 'owner', uname: 'bob', unameKey: 'bob' },
      { appId: ids.staffed, role: 'mod', uname: 'Al_1', unameKey: 'al_1' },
      { appId: ids.staffed, role: 'owner', uname: 'Ann', unameKey: 'ann' },
      { appId: ids.staffed, role: 'mod', uname: 'al2', unameKey: 'al2' },
    ]);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it("reads an app's staff, each list in its uname keys' order, and its origins", async () => {
    expect(await read(ids.staffed)).toStrictEqual({
      id: ids.staffed,
      owners: ['Ann', 'bob'],
      mods: ['Al_1', 'al2', 'Zed'],
      origins: ['https://dice.example', 'http://localhost:8080'],
    });
  });

  it('reads an app without staff or origins as empty lists', async () => {
    expect(await read(ids.bare)).toStrictEqual({ id: ids.bare, owners: [], mods: [], origins: [] });
  });

  it('finds no app for an unknown id', async () => {
    expect(await read(ids.bare + 1000)).toBeNull();
  });
});
