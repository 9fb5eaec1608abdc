import { closeSync, copyFileSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
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

  it("keeps the log bounded and copies every acked message into the database file, off the app's connection", async () => {
    const app = await startTestingApp({ env: { SQLITE_CHECKPOINT_INTERVAL_MS: '50' }, databaseUrl: `sqlite:${file}` });
    const api = new Api(app.url);
    const appId = await api.createApp();
    const user = await api.createUser('writer');
    const member = await LobbyClient.connect(app.url);
    const count = 400;
    try {
      await member.auth({ app_id: appId, hashed_token: user.hashedToken });
      expect(sqliteConnection(app.app.get(DataSource)).pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      const before = messagesInDatabaseFile();
      const restarts = logRestarts();
      // One at a time, so each is its own commit, spread over several checkpoint intervals.
      for (let i = 0; i < count; i++) expect(await member.say(`message ${i}`)).toEqual([]);
      // Started over once a checkpoint had copied it all, rather than growing: an unchecked log never restarts.
      expect(logRestarts()).toBeGreaterThan(restarts);
      await expect.poll(messagesInDatabaseFile, { timeout: 5000, interval: 100 }).toBe(before + count);
    } finally {
      member.close();
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
