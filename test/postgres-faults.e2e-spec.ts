import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageUnavailableError } from '../src/common/refusal.js';
import { MessagesService } from '../src/messages/messages.service.js';
import { keepChecking } from './support/control.js';
import { freshDatabase, type TestDatabase, usingPostgres } from './support/database.js';
import { LobbyClient } from './support/lobby-client.js';
import type { TestServer } from './support/server.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { startTestingApp } from './support/testing-app.js';

/** PostgreSQL misbehaving under a running server: a stalled network, cut connections, terminated backends. */
describe.runIf(usingPostgres())('PostgreSQL faults at runtime', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let server: TestServer;
  let member: LobbyClient;

  beforeAll(async () => {
    db = await freshDatabase();
    const target = new URL(db.url);
    proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(db.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    server = await startTestingApp({
      databaseUrl: viaProxy.toString(),
      env: {
        POSTGRES_CONNECT_TIMEOUT_MS: '1000',
        POSTGRES_STATEMENT_TIMEOUT_MS: '800',
        POSTGRES_QUERY_TIMEOUT_MS: '1000',
      },
    });
    const appId = await server.api.createApp();
    const user = await server.api.createUser('writer');
    member = await LobbyClient.connect(server.url);
    await member.auth({ app_id: appId, hashed_token: user.hashedToken });
  });
  afterAll(async () => {
    member.close();
    await server.close();
    await proxy.close();
    await db.drop();
  });

  /** The pool has recovered when a write is acked again, and the ones after it are too. */
  async function expectRecovered(): Promise<void> {
    await expect.poll(() => member.say('probe'), { timeout: 5000, interval: 200 }).toEqual([]);
    for (let i = 0; i < 10; i++) expect(await member.say(`after ${i}`)).toEqual([]);
  }

  it('answers a writer INTERNAL_ERROR when the database stalls, and recovers once the connections are cut', async () => {
    expect(await member.say('before')).toEqual([]);
    const control = keepChecking(server.url, '/docs-json');
    proxy.stall();
    try {
      expect(await member.say('stalled')).toEqual(['INTERNAL_ERROR']);
      expect(await member.say('still stalled')).toEqual(['INTERNAL_ERROR']);
    } finally {
      proxy.cut();
      proxy.resume();
    }
    await expectRecovered();
    expect((await control.stop()).failures).toEqual([]);
  });

  it('never commits a write that timed out after reaching the server, even once its connection speaks again', async () => {
    expect(await member.say('before')).toEqual([]);
    const [{ chat_id: chatId }] = await server.app.get(DataSource).query('SELECT chat_id FROM messages LIMIT 1');
    const messages = server.app.get(MessagesService);
    const message = { chatId, authorId: 1, authorName: 'writer', authorRole: null };
    // The INSERT reaches the server, inside its transaction; its answer does not come back in time.
    proxy.stallAfter('INSERT INTO "messages"');
    try {
      await expect(messages.append({ ...message, text: 'timed out' })).rejects.toBeInstanceOf(StorageUnavailableError);
    } finally {
      proxy.resume();
    }
    await expectRecovered();
    await Promise.all(Array.from({ length: 10 }, (_, i) => messages.append({ ...message, text: `later ${i}` })));
    expect((await messages.all(chatId)).map((m) => m.text)).not.toContain('timed out');
  });

  it('recovers by itself after pg_terminate_backend kills its connections', async () => {
    expect(await member.say('before')).toEqual([]);
    const admin = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL });
    await admin.connect();
    try {
      const { rowCount } = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [new URL(db.url).pathname.slice(1)],
      );
      expect(rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    await expectRecovered();
  });
});
