import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../test/support/database.js';
import { openMigrated } from '../../test/support/migrated-database.js';
import { AccessTokenEntity } from './access-token.entity.js';
import { type FindUserByToken, userByTokenReader } from './user-by-token.js';
import { UserEntity } from './user.entity.js';

describe('userByTokenReader', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let find: FindUserByToken;
  const rows: Record<'lobby' | 'seller', UserEntity> = {} as never;

  beforeAll(async () => {
    db = await freshDatabase();
    dataSource = await openMigrated(db.url);
    find = userByTokenReader(dataSource);
    const users = dataSource.getRepository(UserEntity);
    rows.lobby = await users.save(
      users.create({ kind: 'lobby', name: 'Ann', unameKey: 'ann', role: 'mod', createdAt: 1_796_000_000_123 }),
    );
    rows.seller = await users.save(
      users.create({
        kind: 'seller',
        name: 'Shop',
        unameKey: null,
        role: 'member',
        offlineMessages: true,
        createdAt: 7,
      }),
    );
    await dataSource.getRepository(AccessTokenEntity).insert([
      { userId: rows.lobby.id, tokenHash: 'a'.repeat(64), createdAt: 1 },
      { userId: rows.seller.id, tokenHash: 'b'.repeat(64), createdAt: 2 },
    ]);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('reads the user a token hash belongs to, every field as the entity holds it', async () => {
    expect(await find('a'.repeat(64))).toStrictEqual({
      id: rows.lobby.id,
      kind: 'lobby',
      name: 'Ann',
      unameKey: 'ann',
      role: 'mod',
      offlineMessages: false,
      createdAt: 1_796_000_000_123,
    });
    expect(await find('b'.repeat(64))).toStrictEqual({
      id: rows.seller.id,
      kind: 'seller',
      name: 'Shop',
      unameKey: null,
      role: 'member',
      offlineMessages: true,
      createdAt: 7,
    });
    // The same as TypeORM reads it.
    const typeorm = await dataSource.getRepository(UserEntity).findOneByOrFail({ id: rows.seller.id });
    expect(await find('b'.repeat(64))).toEqual({ ...typeorm });
  });

  it('finds nobody for an unknown hash, or a hash in another case', async () => {
    expect(await find('c'.repeat(64))).toBeNull();
    expect(await find('A'.repeat(64))).toBeNull();
  });
});
