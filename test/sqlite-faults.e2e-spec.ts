import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageHealth } from '../src/database/storage-health.js';
import { keepChecking } from './support/control.js';
import { usingPostgres } from './support/database.js';
import { LobbyClient } from './support/lobby-client.js';
import { Api, ADMIN_TOKEN } from './support/server.js';
import { killed, type ServerProcess, spawnServer } from './support/server-process.js';
import { ROOMY_LIMITS, startTestingApp } from './support/testing-app.js';

/** DATABASE_WRITE_TIMEOUT_MS of the held-lock test: how long a write waits for the lock before it is refused. */
const WRITE_TIMEOUT_MS = 1500;
/** STORAGE_CHECK_INTERVAL_MS where a test lets the periodic storage check run several times. */
const CHECK_INTERVAL_MS = 100;

/** Faults of the SQLite file under a running server: held locks, deletion, a read-only file. */
describe.skipIf(usingPostgres())('SQLite faults under a running server', () => {
  let dir: string;
  let file: string;
  let server: ServerProcess | null = null;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatgate-faults-'));
    file = join(dir, 'chat.sqlite');
  });
  afterEach(async () => {
    if (server) await killed(server.child, 'SIGKILL');
    server = null;
    rmSync(dir, { recursive: true, force: true });
  });

  async function lobbyWithMembers(url: string, count: number): Promise<{ appId: number; members: LobbyClient[] }> {
    const api = new Api(url);
    const appId = await api.createApp();
    const members: LobbyClient[] = [];
    for (let i = 0; i < count; i++) {
      const user = await api.createUser(`member${i}`);
      const client = await LobbyClient.connect(url);
      await client.auth({ app_id: appId, hashed_token: user.hashedToken });
      members.push(client);
    }
    return { appId, members };
  }

  it('keeps serving while another process holds the write lock; writers past DATABASE_WRITE_TIMEOUT_MS get INTERNAL_ERROR', async () => {
    server = await spawnServer({
      ...ROOMY_LIMITS,
      DATABASE_URL: `sqlite:${file}`,
      ADMIN_TOKEN,
      DATABASE_WRITE_TIMEOUT_MS: String(WRITE_TIMEOUT_MS),
    });
    const { appId, members } = await lobbyWithMembers(server.url, 5);
    const holder = new Database(file);
    const control = keepChecking(server.url, `/api/apps/${appId}/messages`);
    try {
      holder.exec('BEGIN EXCLUSIVE');
      // Posted at once: they wait out the bound while the lock is held.
      expect(await Promise.all(members.map((m) => m.say('while locked')))).toEqual(
        members.map(() => ['INTERNAL_ERROR']),
      );
      // Posted with the lock still held, which is then held on halfway into their bound (the held lock is what is
      // under test): they are acked once it is released.
      const late = Promise.all(members.map((m, i) => m.say(`after the wait ${i}`)));
      await sleep(WRITE_TIMEOUT_MS / 2);
      holder.exec('COMMIT');
      expect(await late).toEqual(members.map(() => []));
    } finally {
      if (holder.inTransaction) holder.exec('ROLLBACK');
      holder.close();
      members.forEach((m) => m.close());
    }
    const { checks, failures } = await control.stop();
    expect(failures).toEqual([]);
    expect(checks).toBeGreaterThan(10);
    const history = await new Api(server.url).get(`/api/apps/${appId}/messages`);
    expect(history.body.map((m: { text: string }) => m.text).sort()).toEqual(
      members.map((_, i) => `after the wait ${i}`),
    );
  });

  it('refuses writes once the database file is deleted, logging it once', async () => {
    server = await spawnServer({
      ...ROOMY_LIMITS,
      DATABASE_URL: `sqlite:${file}`,
      ADMIN_TOKEN,
      STORAGE_CHECK_INTERVAL_MS: String(CHECK_INTERVAL_MS),
    });
    const { appId, members } = await lobbyWithMembers(server.url, 1);
    const [member] = members;
    const control = keepChecking(server.url, `/api/apps/${appId}`);
    try {
      expect(await member.say('before')).toEqual([]);
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      for (let i = 0; i < 5; i++) expect(await member.say(`into the void ${i}`)).toEqual(['INTERNAL_ERROR']);
      // Five periodic checks run meanwhile (what is under test): the file stays missing, logged once.
      await sleep(5 * CHECK_INTERVAL_MS);
      expect(await member.say('still nothing')).toEqual(['INTERNAL_ERROR']);
    } finally {
      member.close();
    }
    expect((await control.stop()).failures).toEqual([]);
    expect(server.output().match(/storage not ready: the database file was deleted/g)).toHaveLength(1);
  });

  it('refuses writes once only the write-ahead log is deleted', async () => {
    const app = await startTestingApp({ databaseUrl: `sqlite:${file}` });
    const { members } = await lobbyWithMembers(app.url, 1);
    const [member] = members;
    try {
      expect(await member.say('logged')).toEqual([]);
      for (const suffix of ['-wal', '-shm']) rmSync(file + suffix);
      expect(await member.say('into a deleted log')).toEqual(['INTERNAL_ERROR']);
      expect(app.app.get(StorageHealth).ready).toBe(false);
    } finally {
      member.close();
      await app.close();
    }
  });

  it('turns not-ready while the file is read-only, and ready again once it is writable', async () => {
    const app = await startTestingApp({ env: { STORAGE_CHECK_INTERVAL_MS: '100' }, databaseUrl: `sqlite:${file}` });
    const health = app.app.get(StorageHealth);
    const { members } = await lobbyWithMembers(app.url, 1);
    const [member] = members;
    try {
      expect(await member.say('writable')).toEqual([]);
      chmodSync(file, 0o444);
      expect(await member.say('read-only')).toEqual(['INTERNAL_ERROR']);
      expect(health.ready).toBe(false);
      const ready = await app.api.as(null).get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.error).toEqual({ storage: { status: 'down', message: 'the database file is read-only' } });
      chmodSync(file, 0o644);
      await expect.poll(() => health.ready, { timeout: 2000 }).toBe(true);
      expect(await member.say('writable again')).toEqual([]);
    } finally {
      member.close();
      await app.close();
    }
  });
});
