import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/app-config.js';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';
import { startDatabase } from '../src/database/start-database.js';
import { keepChecking } from './support/control.js';
import { usingPostgres } from './support/database.js';
import { LobbyClient } from './support/lobby-client.js';
import { Api, ADMIN_TOKEN } from './support/server.js';
import { killed, type ServerProcess, spawnServer } from './support/server-process.js';
import { ROOMY_LIMITS } from './support/testing-app.js';

/** A small tmpfs of the test's own (needs root, as in CI's container); elsewhere the test is skipped. */
function mountSmallDisk(dir: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes a file until the file system is full. */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(usingPostgres())('a full disk under SQLite', () => {
  let dir: string;
  let mounted = false;
  // Killed here too: a test that times out never reaches its own finally, and a live server keeps the mount busy.
  const servers: ServerProcess[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatgate-disk-'));
    mounted = mountSmallDisk(dir);
  });
  afterAll(async () => {
    await Promise.all(
      servers
        .filter((s) => s.child.exitCode === null && s.child.signalCode === null)
        .map((s) => killed(s.child, 'SIGKILL')),
    );
    if (mounted) execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('acks only what is committed, during the fault and after space is freed, as a restart shows', async (context) => {
    if (!mounted) context.skip('mount is not permitted here');
    const env = {
      ...ROOMY_LIMITS,
      DATABASE_URL: `sqlite:${join(dir, 'chat.sqlite')}`,
      ADMIN_TOKEN,
      LOBBY_HISTORY_SIZE: '10000',
    };
    const server = await spawnServer(env);
    servers.push(server);
    const acked: string[] = [];
    let refused = 0;
    let appId: number;
    const members: LobbyClient[] = [];
    try {
      const api = new Api(server.url);
      appId = await api.createApp();
      for (let i = 0; i < 4; i++) {
        const user = await api.createUser(`writer${i}`);
        const member = await LobbyClient.connect(server.url);
        await member.auth({ app_id: appId, hashed_token: user.hashedToken });
        members.push(member);
      }
      let n = 0;
      // Every member posts a message at once, round after round: group commits of several rows each.
      const round = async (label: string) => {
        const texts = members.map(() => `${label} ${n++} ${'x'.repeat(100)}`);
        const acks = await Promise.all(members.map((member, i) => member.say(texts[i])));
        acks.forEach((ack, i) => (ack.length === 0 ? acked.push(texts[i]) : (refused += 1)));
        return acks;
      };
      await round('before');
      const control = keepChecking(server.url, `/api/apps/${appId}`);
      fillDisk(join(dir, 'filler'));
      // The disk is full: rounds go on until commits fail, and for a while after.
      let failedRounds = 0;
      for (let i = 0; i < 2000 && failedRounds < 20; i++) {
        if ((await round('full')).some((ack) => ack[0] === 'INTERNAL_ERROR')) failedRounds += 1;
      }
      expect(refused).toBeGreaterThan(0);
      rmSync(join(dir, 'filler'));
      for (let i = 0; i < 50; i++) expect(await round('freed')).toEqual(members.map(() => []));
      const { failures } = await control.stop();
      expect(failures).toEqual([]);
    } finally {
      members.forEach((member) => member.close());
      await killed(server.child, 'SIGKILL');
    }

    const restarted = await spawnServer(env);
    servers.push(restarted);
    try {
      const reader = await LobbyClient.connect(restarted.url);
      const [error, data] = (await reader.auth({ app_id: appId! })) as [
        null,
        { room: { history: { text: string }[] } },
      ];
      reader.close();
      expect(error).toBeNull();
      const stored = new Set(data.room.history.map((m) => m.text));
      expect(acked.filter((text) => !stored.has(text))).toEqual([]);
      expect(acked.filter((text) => text.startsWith('freed'))).toHaveLength(200);
    } finally {
      await killed(restarted.child, 'SIGTERM');
    }
  }, 60_000);

  it("leaves TypeORM's own transactions known-good after a COMMIT the full disk refused", async (context) => {
    if (!mounted) context.skip('mount is not permitted here');
    const file = join(dir, 'typeorm.sqlite');
    const config = loadConfig({ DATABASE_URL: `sqlite:${file}` });
    const dataSource: DataSource = await startDatabase(buildDataSourceOptions(config.database), config.database);
    const reader = new Database(file, { readonly: true });
    try {
      await dataSource.query('CREATE TABLE probe (v TEXT)');
      fillDisk(join(dir, 'filler'));
      await expect(
        (async () => {
          for (let i = 0; i < 200; i++) {
            await dataSource.transaction(async (tx) => {
              for (let j = 0; j < 50; j++) await tx.query('INSERT INTO probe (v) VALUES (?)', ['x'.repeat(1000)]);
            });
          }
        })(),
      ).rejects.toThrow('database or disk is full');
      rmSync(join(dir, 'filler'));
      // A transaction that fails on its own account, then plain writes: each must be committed, not left inside
      // a transaction nobody will end.
      await expect(
        dataSource.transaction(async (tx) => {
          await tx.query("INSERT INTO probe (v) VALUES ('rolled back')");
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      await dataSource.query("INSERT INTO probe (v) VALUES ('committed')");
      await dataSource.transaction((tx) => tx.query("INSERT INTO probe (v) VALUES ('committed too')"));
      const seen = reader.prepare("SELECT v FROM probe WHERE v NOT LIKE 'x%' ORDER BY rowid").pluck().all();
      expect(seen).toEqual(['committed', 'committed too']);
    } finally {
      reader.close();
      await dataSource.destroy();
    }
  });
});
