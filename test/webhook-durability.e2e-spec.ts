import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase, usingPostgres } from './support/database.js';
import { LobbyClient } from './support/lobby-client.js';
import { killed, spawnServer } from './support/server-process.js';
import { Api, ADMIN_TOKEN } from './support/server.js';
import { ROOMY_LIMITS } from './support/testing-app.js';
import { QUICK_WEBHOOKS, WebhookReceiver } from './support/webhook-receiver.js';

describe('webhooks survive SIGKILL: the outbox is in the database', () => {
  let dir: string;
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chatgate-hooks-'));
    db = usingPostgres() ? await freshDatabase() : { url: `sqlite:${join(dir, 'chat.sqlite')}`, drop: async () => {} };
    env = { DATABASE_URL: db.url, ADMIN_TOKEN, ...ROOMY_LIMITS, ...QUICK_WEBHOOKS };
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'delivers every event after a restart, when the process was killed while the receiver was down',
    { timeout: 60_000 },
    async () => {
      const down = await WebhookReceiver.start();
      const port = down.port;
      await down.close();

      const first = await spawnServer(env);
      const api = new Api(first.url);
      const created = await api.post('/api/webhooks', {
        url: `http://127.0.0.1:${port}/hooks`,
        events: ['lobby.message.created'],
      });
      expect(created.status).toBe(201);
      const { id, secret } = created.body as { id: number; secret: string };
      const appId = await api.createApp();
      const user = await api.createUser('durable_hooks');
      const client = await LobbyClient.connect(first.url);
      await client.auth({ app_id: appId, hashed_token: user.hashedToken });
      const texts = Array.from({ length: 20 }, (_, i) => `hook ${i}`);
      expect(await Promise.all(texts.map((text) => client.say(text)))).toEqual(texts.map(() => []));
      // Attempts have been made and failed (the receiver is down) before the kill.
      await expect
        .poll(
          async () => (await api.get(`/api/webhooks/${id}/deliveries`)).body.map((d: { state: string }) => d.state),
          {
            timeout: 10_000,
          },
        )
        .toEqual(texts.map(() => 'pending'));
      expect((await api.get(`/api/webhooks/${id}/deliveries`)).body[0].lastError).toBe('ECONNREFUSED');
      await killed(first.child, 'SIGKILL');
      client.close();

      const site = await WebhookReceiver.start(port);
      const second = await spawnServer(env);
      try {
        const received = await site.waitFor(texts.length);
        const events = received.map((request) => WebhookReceiver.verify(secret, request));
        expect(events.map((e) => e.data.message.text).sort()).toEqual([...texts].sort());
        expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(texts.length);
        const api2 = new Api(second.url);
        await expect
          .poll(async () =>
            (await api2.get(`/api/webhooks/${id}/deliveries`)).body.map((d: { state: string }) => d.state),
          )
          .toEqual(texts.map(() => 'delivered'));
      } finally {
        await killed(second.child, 'SIGTERM');
        await site.close();
      }
    },
  );
});
