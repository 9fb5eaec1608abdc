import { closeSync, copyFileSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteConnection } from '../src/database/sqlite-writes.js';
import { usingPostgres } from './support/database.js';
import { LobbyClient } from './support/lobby-client.js';
import { Api } from './support/server.js';
import { startTestingApp } from './support/testing-app.js';

/** SQLite's write-ahead log is checkpointed by a worker thread, not inside the app's commits (sqlite-checkpointer.ts). */
describe.skipIf(usingPostgres())('SQLite checkpoints', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatgate-checkpoints-'));
    file = join(dir, 'chat.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Rows in `messages` of a copy of the database file alone: what checkpoints have copied out of the log. */
  function messagesInDatabaseFile(): number {
    const copy = join(dir, `copy-${Date.now()}.sqlite`);
    copyFileSync(file, copy);
    const db = new Database(copy);
    try {
      return (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    } catch {
      return -1; // copied halfway through a checkpoint's writes: looked at again
    } finally {
      db.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(copy + suffix, { force: true });
    }
  }

  /** The log header's checkpoint sequence number: one more each time the log is started over from its beginning. */
  function logRestarts(): number {
    const header = Buffer.alloc(16);
    const fd = openSync(`${file}-wal`, 'r');
    try {
      readSync(fd, header, 0, 16, 0);
    } finally {
      closeSync(fd);
    }
    return header.readUInt32BE(12);
  }

  it("copies every acked message into the database file off the app's connection, and keeps the log bounded under commits that never pause", async () => {
    const walMaxPages = 100;
    const app = await startTestingApp({
      env: { SQLITE_CHECKPOINT_INTERVAL_MS: '50', SQLITE_WAL_MAX_PAGES: String(walMaxPages) },
      databaseUrl: `sqlite:${file}`,
    });
    const api = new Api(app.url);
    const appId = await api.createApp();
    const members = await Promise.all(
      ['w0', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7'].map(async (name) => {
        const user = await api.createUser(name);
        const member = await LobbyClient.connect(app.url);
        await member.auth({ app_id: appId, hashed_token: user.hashedToken });
        return member;
      }),
    );
    const perMember = 200;
    try {
      const connection = sqliteConnection(app.app.get(DataSource));
      expect(connection.pragma('wal_autocheckpoint', { simple: true })).toBe(walMaxPages);
      const pageSize = connection.pragma('page_size', { simple: true }) as number;
      const before = messagesInDatabaseFile();
      const restarts = logRestarts();
      // Eight writers, each saying its next as soon as the last is acked: a commit is nearly always waiting, so the
      // thread's checkpoints alone rarely catch up (without the app's own past 100 pages, the log reached 340–520 pages
      // here; with it, about 103).
      await Promise.all(
        members.map(async (member, m) => {
          for (let i = 0; i < perMember; i++) expect(await member.say(`message ${m}.${i}`)).toEqual([]);
        }),
      );
      expect(logRestarts()).toBeGreaterThan(restarts);
      // The file keeps its longest length: a 32-byte header, then frames of a page and a 24-byte header.
      expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(32 + 2 * walMaxPages * (pageSize + 24));
      await expect
        .poll(messagesInDatabaseFile, { timeout: 5000, interval: 100 })
        .toBe(before + members.length * perMember);
    } finally {
      for (const member of members) member.close();
      await app.close();
    }
  });

  it('leaves checkpoints to SQLite with SQLITE_CHECKPOINT_INTERVAL_MS=0', async () => {
    const app = await startTestingApp({ env: { SQLITE_CHECKPOINT_INTERVAL_MS: '0' }, databaseUrl: `sqlite:${file}` });
    try {
      expect(sqliteConnection(app.app.get(DataSource)).pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      await app.close();
    }
  });
});
