import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageUnavailableError } from '../src/common/refusal.js';
import { MessagesService } from '../src/messages/messages.service.js';
import { freshDatabase, type TestDatabase, usingPostgres } from './support/database.js';
import { LobbyClient } from './support/lobby-client.js';
import type { TestServer } from './support/server.js';
import { startTestingApp } from './support/testing-app.js';

/** The database itself refuses some rows: a trigger rejects any message containing "poison". */
async function refusePoison(url: string): Promise<void> {
  if (url.startsWith('sqlite:')) {
    const db = new Database(url.slice('sqlite:'.length));
    db.exec(`CREATE TRIGGER refuse_poison BEFORE INSERT ON messages WHEN NEW.text LIKE '%poison%'
             BEGIN SELECT RAISE(ABORT, 'poisoned row'); END`);
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.text LIKE '%poison%' THEN RAISE EXCEPTION 'poisoned row' USING ERRCODE = 'check_violation'; END IF;
      RETURN NEW;
    END $$`);
  await client.query(
    'CREATE TRIGGER refuse_poison BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION refuse_poison()',
  );
  await client.end();
}

describe('a row the database refuses fails alone', () => {
  let dir: string;
  let db: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chatgate-rows-'));
    db = usingPostgres() ? await freshDatabase() : { url: `sqlite:${join(dir, 'chat.sqlite')}`, drop: async () => {} };
    server = await startTestingApp({ databaseUrl: db.url });
    await refusePoison(db.url);
  });
  afterAll(async () => {
    await server.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function member(appId: number, uname: string): Promise<LobbyClient> {
    const user = await server.api.createUser(uname);
    const client = await LobbyClient.connect(server.url);
    await client.auth({ app_id: appId, hashed_token: user.hashedToken });
    return client;
  }

  it('writes the rest of a group commit when one of its rows is refused', async () => {
    const appId = await server.api.createApp();
    const alice = await member(appId, 'alice');
    expect(await alice.say('first')).toEqual([]);
    alice.close();
    const [{ chat_id: chatId }] = await server.app.get(DataSource).query('SELECT chat_id FROM messages');
    const messages = server.app.get(MessagesService);
    const texts = ['one', 'poison', 'two', 'three'];
    // Appended in one tick: one batch.
    const outcomes = await Promise.allSettled(
      texts.map((text) => messages.append({ chatId, authorId: 1, authorName: 'alice', authorRole: null, text })),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(StorageUnavailableError);
    expect((await messages.all(chatId)).map((m) => m.text)).toEqual(['first', 'one', 'two', 'three']);
  });

  it('answers INTERNAL_ERROR to the sender of refused rows alone while others post beside it', async () => {
    const appId = await server.api.createApp();
    const [poisoner, ...honest] = await Promise.all(['mallory', 'bob', 'carol'].map((u) => member(appId, u)));
    try {
      const rounds = Array.from({ length: 20 }, (_, i) => i);
      const results = await Promise.all(
        rounds.map(async (i) => [
          await poisoner.say(`poison ${i}`),
          ...(await Promise.all(honest.map((client, j) => client.say(`honest ${j}.${i}`)))),
        ]),
      );
      for (const [poisoned, ...fine] of results) {
        expect(poisoned).toEqual(['INTERNAL_ERROR']);
        expect(fine).toEqual([[], []]);
      }
      const history = await server.api.get(`/api/apps/${appId}/messages?limit=500`);
      expect(history.body).toHaveLength(40);
    } finally {
      [poisoner, ...honest].forEach((client) => client.close());
    }
  });
});
