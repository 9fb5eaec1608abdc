import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../test/support/database.js';
import { openMigrated } from '../../test/support/migrated-database.js';
import { UserEntity } from '../users/user.entity.js';
import { ChatEntity } from './chat.entity.js';
import { type DirectChatReads, directChatReads } from './direct-chat-reads.js';

describe('directChatReads', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let reads: DirectChatReads;
  const ids: Record<'shop' | 'mall' | 'ann' | 'bob' | 'lobby' | 'annAtShop' | 'bobAtShop' | 'annAtMall', number> =
    {} as never;

  beforeAll(async () => {
    db = await freshDatabase();
    dataSource = await openMigrated(db.url);
    reads = directChatReads(dataSource);
    const users = dataSource.getRepository(UserEntity);
    const user = async (kind: 'seller' | 'client', name: string) =>
      (await users.save(users.create({ kind, name, unameKey: null, role: 'member', createdAt: 0 }))).id;
    ids.shop = await user('seller', 'Shop');
    ids.mall = await user('seller', 'Mall');
    ids.ann = await user('client', 'Ann');
    ids.bob = await user('client', 'Bob');
    const chats = dataSource.getRepository(ChatEntity);
    const chat = async (sellerId: number, clientId: number) =>
      (await chats.save(chats.create({ kind: 'direct', sellerId, clientId, createdAt: 0 }))).id;
    ids.lobby = (await chats.save(chats.create({ kind: 'lobby', appId: 1, createdAt: 0 }))).id;
    ids.annAtShop = await chat(ids.shop, ids.ann);
    ids.bobAtShop = await chat(ids.shop, ids.bob);
    ids.annAtMall = await chat(ids.mall, ids.ann);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const direct = (id: number, seller: 'Shop' | 'Mall', client: 'Ann' | 'Bob') => ({
    id,
    seller: { id: seller === 'Shop' ? ids.shop : ids.mall, name: seller },
    client: { id: client === 'Ann' ? ids.ann : ids.bob, name: client },
  });

  it('reads a direct chat by id with both parties, and no lobby or unknown id', async () => {
    expect(await reads.byId(ids.bobAtShop)).toStrictEqual(direct(ids.bobAtShop, 'Shop', 'Bob'));
    expect(await reads.byId(ids.lobby)).toBeNull();
    expect(await reads.byId(ids.annAtMall + 100)).toBeNull();
  });

  it('reads the chat of a seller and a client, and no other pair', async () => {
    expect(await reads.byParties(ids.mall, ids.ann)).toStrictEqual(direct(ids.annAtMall, 'Mall', 'Ann'));
    expect(await reads.byParties(ids.mall, ids.bob)).toBeNull();
    expect(await reads.byParties(ids.ann, ids.mall)).toBeNull();
  });

  it('reads every chat a user is a party to, as seller or client, oldest first', async () => {
    expect(await reads.ofUser(ids.shop)).toStrictEqual([
      direct(ids.annAtShop, 'Shop', 'Ann'),
      direct(ids.bobAtShop, 'Shop', 'Bob'),
    ]);
    expect(await reads.ofUser(ids.ann)).toStrictEqual([
      direct(ids.annAtShop, 'Shop', 'Ann'),
      direct(ids.annAtMall, 'Mall', 'Ann'),
    ]);
    expect(await reads.ofUser(ids.annAtMall + 100)).toStrictEqual([]);
  });
});
