import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase, usingPostgres } from './support/database.js';
import { LobbyClient } from './support/lobby-client.js';
import type { TestServer } from './support/server.js';
import { startTestingApp } from './support/testing-app.js';
import { until } from './support/until.js';

/**
 * On PostgreSQL an instance commits several message batches at once, and one may end after a later one. The
 * instance still acknowledges and delivers its batches in the order they started (docs/recovery.md), so a reader's
 * `since` does not pass a slow batch's messages while a later batch's arrive. A commit is held back for real: a
 * deferred trigger sleeps at COMMIT for the rows whose text is `slow`.
 */
describe.runIf(usingPostgres())(
  'message batches of one instance, settled in the order they started (PostgreSQL)',
  () => {
    let db: TestDatabase;
    let server: TestServer;
    let admin: pg.Client;

    beforeAll(async () => {
      db = await freshDatabase();
      server = await startTestingApp({ databaseUrl: db.url });
      admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      await admin.query(`CREATE FUNCTION test_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.text = 'slow' THEN PERFORM pg_sleep(0.5); END IF; RETURN NULL; END $$`);
      await admin.query(`CREATE CONSTRAINT TRIGGER test_slow_commit AFTER INSERT ON "messages"
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_slow_commit()`);
    });
    afterAll(async () => {
      await admin.end();
      await server.close();
      await db.drop();
    });

    it('a batch that commits first waits for the slower batch started before it', async () => {
      const appId = await server.api.createApp();
      const [first, second] = await Promise.all(['first', 'second'].map((name) => server.api.createUser(name)));
      const reader = await LobbyClient.join(server.url, appId);
      const writers = await Promise.all(
        [first, second].map((user) => LobbyClient.join(server.url, appId, user.hashedToken)),
      );
      const slow = writers[0].say('slow');
      await until(
        async () => (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event = 'PgSleep'`)).rowCount === 1,
        { what: 'the slow commit to be sleeping' },
      );
      // What the second writer has seen of the lobby when its own ack arrives (one socket: its frames in order).
      const seenAtFastAck = writers[1]
        .say('fast')
        .then(() => writers[1].events('new_message').map(([, message]) => (message as { text: string }).text));

      expect(await seenAtFastAck).toEqual(['slow', 'fast']);
      expect(await slow).toEqual([]);
      const delivered = (await reader.waitFor('new_message', 2)) as { id: number; text: string }[];
      expect(delivered.map(({ text }) => text)).toEqual(['slow', 'fast']);
      expect(delivered[0].id).toBeLessThan(delivered[1].id);
      [reader, ...writers].forEach((client) => client.close());
    });
  },
);
