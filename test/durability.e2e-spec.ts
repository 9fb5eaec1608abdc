import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase, usingPostgres } from './support/database.js';
import { LobbyClient } from './support/lobby-client.js';
import { Api, ADMIN_TOKEN } from './support/server.js';
import { killed, spawnServer } from './support/server-process.js';
import { ROOMY_LIMITS } from './support/testing-app.js';

describe('durability: an acknowledged message survives SIGKILL', () => {
  let dir: string;
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chatgate-'));
    db = usingPostgres()
      ? await freshDatabase()
      : { url: `sqlite:${join(dir, 'nested', 'chat.sqlite')}`, drop: async () => {} };
    env = { DATABASE_URL: db.url, ADMIN_TOKEN, ...ROOMY_LIMITS };
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acked message and mute after the process is killed right after the acks', async () => {
    const first = await spawnServer(env);
    const api = new Api(first.url);
    const appId = await api.createApp(['boss']);
    const boss = await api.createUser('boss');
    const client = await LobbyClient.connect(first.url);
    await client.auth({ app_id: appId, hashed_token: boss.hashedToken });
    client.socket.emit('new_message', '/mute spammer 60');
    await client.waitFor('user_muted');
    const texts = Array.from({ length: 50 }, (_, i) => `durable ${i}`);
    expect(await Promise.all(texts.map((text) => client.say(text)))).toEqual(texts.map(() => []));
    await killed(first.child, 'SIGKILL');
    client.close();

    const second = await spawnServer(env);
    try {
      const reader = await LobbyClient.connect(second.url);
      const [error, data] = (await reader.auth({ app_id: appId })) as [null, any];
      expect(error).toBeNull();
      expect(data.room.history.map((m: { text: string }) => m.text)).toEqual(texts);
      expect(Object.keys(data.room.muteList)).toEqual(['spammer']);
      reader.close();
    } finally {
      await killed(second.child, 'SIGTERM');
    }
  });

  it('refuses to start on an invalid setting, naming it', async () => {
    await expect(spawnServer({ ...env, LOBBY_HISTORY_SIZE: 'lots' })).rejects.toThrow(
      'Invalid configuration: LOBBY_HISTORY_SIZE must be a whole number from 0 to 10000 (got "lots")',
    );
  });

  it('refuses to join instances through Redis on SQLite', async () => {
    await expect(spawnServer({ DATABASE_URL: 'sqlite::memory:', REDIS_URL: 'redis://127.0.0.1:6379' })).rejects.toThrow(
      'Invalid configuration: REDIS_URL joins several instances, which needs PostgreSQL: set DATABASE_URL to a postgres:// URL',
    );
  });
});
