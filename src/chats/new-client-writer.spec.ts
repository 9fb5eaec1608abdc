import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../test/support/database.js';
import { openMigrated } from '../../test/support/migrated-database.js';
import { newClientWriter, type NewClientRow, type WriteNewClient } from './new-client-writer.js';

describe('newClientWriter', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let write: WriteNewClient;
  let sellerId: number;

  beforeAll(async () => {
    db = await freshDatabase();
    dataSource = await openMigrated(db.url);
    write = newClientWriter(dataSource, 5000);
    const [seller] = await dataSource.query(
      `INSERT INTO "users" ("kind", "name", "role", "offline_messages", "created_at")
       VALUES ('seller', 'Shop', 'member', ${dataSource.options.type === 'postgres' ? 'true' : '1'}, 0) RETURNING "id"`,
    );
    sellerId = Number(seller.id);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const row = (name: string, tokenHash: string, seller = sellerId): NewClientRow => ({
    name,
    tokenHash,
    sellerId: seller,
    createdAt: 1000,
    event: null,
  });

  async function clientsNamed(...names: string[]): Promise<{ name: string; chats: number; tokens: number }[]> {
    const rows: { name: string; chats: number | string; tokens: number | string }[] = await dataSource.query(
      `SELECT u."name",
         (SELECT COUNT(*) FROM "chats" c WHERE c."client_id" = u."id" AND c."seller_id" = ${sellerId}) AS "chats",
         (SELECT COUNT(*) FROM "access_tokens" t WHERE t."user_id" = u."id") AS "tokens"
       FROM "users" u WHERE u."kind" = 'client' AND u."name" IN (${names.map((n) => `'${n}'`).join(', ')})
       ORDER BY u."name"`,
    );
    return rows.map((r) => ({ name: r.name, chats: Number(r.chats), tokens: Number(r.tokens) }));
  }

  it('writes name auths arriving together, each a client with its token and chat; an unknown seller writes nothing', async () => {
    const written = await Promise.all([
      write(row('ann', 'a'.repeat(64))),
      write(row('bob', 'b'.repeat(64), sellerId + 1000)),
      write(row('cat', 'c'.repeat(64))),
    ]);
    expect(written[1]).toBeNull();
    expect(written.map((w) => w && { seller: w.sellerName, offline: w.offlineMessages })).toEqual([
      { seller: 'Shop', offline: true },
      null,
      { seller: 'Shop', offline: true },
    ]);
    expect(written[0]?.clientId).not.toBe(written[2]?.clientId);
    expect(written[0]?.chatId).not.toBe(written[2]?.chatId);
    expect(await clientsNamed('ann', 'bob', 'cat')).toEqual([
      { name: 'ann', chats: 1, tokens: 1 },
      { name: 'cat', chats: 1, tokens: 1 },
    ]);
  });

  it('fails only the auth whose rows cannot be written; the others arriving with it are written', async () => {
    const results = await Promise.allSettled([
      write(row('dan', 'd'.repeat(64))),
      // The token hash is unique: this client's token insert fails after its user row was inserted.
      write(row('eve', 'a'.repeat(64))),
      write(row('fay', 'f'.repeat(64))),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await clientsNamed('dan', 'eve', 'fay')).toEqual([
      { name: 'dan', chats: 1, tokens: 1 },
      { name: 'fay', chats: 1, tokens: 1 },
    ]);
  });
});
