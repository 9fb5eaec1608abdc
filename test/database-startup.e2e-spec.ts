import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usingPostgres } from './support/database.js';
import { startFailure } from './support/server-process.js';

/** Every way of failing to open the database ends the process within a bound, with one line naming setting and cause. */
describe('start-up against a database that cannot be opened', () => {
  let silent: Server;
  const held: Socket[] = [];
  let silentPort: number;

  beforeAll(async () => {
    // Accepts TCP connections and never says a word: a PostgreSQL that hangs.
    silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    held.forEach((socket) => socket.destroy());
    await new Promise((resolve) => silent.close(resolve));
  });

  it('gives up on a server that accepts and never answers after DATABASE_START_TIMEOUT_MS', async () => {
    const { code, output } = await startFailure(
      {
        DATABASE_URL: `postgres://chatgate@127.0.0.1:${silentPort}/chat`,
        DATABASE_START_TIMEOUT_MS: '3000',
        POSTGRES_CONNECT_TIMEOUT_MS: '1000',
      },
      15_000,
    );
    expect(code).toBe(1);
    expect(lines(output)).toEqual([
      expect.stringMatching(
        /^cannot open the database \(PostgreSQL\) within DATABASE_START_TIMEOUT_MS=3000 \(\d attempts\): .*timeout/,
      ),
    ]);
  });

  it('retries a refused connection DATABASE_START_RETRIES times, then names the setting', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const { code, output } = await startFailure(
      { DATABASE_URL: `postgres://chatgate@127.0.0.1:${port}/chat`, DATABASE_START_RETRIES: '1' },
      15_000,
    );
    expect(code).toBe(1);
    expect(lines(output)).toEqual([
      expect.stringMatching(
        /^cannot open the database \(PostgreSQL\) after 2 attempts \(DATABASE_START_RETRIES=1\): .*ECONNREFUSED/,
      ),
    ]);
  });

  it('does not retry a SQLite path that cannot be created', async () => {
    const { code, output } = await startFailure({ DATABASE_URL: 'sqlite:/proc/chatgate/chat.sqlite' }, 15_000);
    expect(code).toBe(1);
    expect(lines(output)).toEqual([
      "cannot open the database (DATABASE_URL, SQLite /proc/chatgate/chat.sqlite): Error: ENOENT: no such file or directory, mkdir '/proc/chatgate' (ENOENT)",
    ]);
  });

  it.runIf(usingPostgres())('does not retry an unknown database or role', async () => {
    const url = new URL(process.env.TEST_POSTGRES_URL!);
    url.pathname = '/chatgate_no_such_database';
    const unknownDatabase = await startFailure({ DATABASE_URL: url.toString(), DATABASE_START_RETRIES: '5' }, 15_000);
    expect(unknownDatabase.code).toBe(1);
    expect(lines(unknownDatabase.output)).toEqual([
      'cannot open the database (DATABASE_URL, PostgreSQL): error: database "chatgate_no_such_database" does not exist (3D000)',
    ]);
    url.username = 'chatgate_no_such_role';
    const unknownRole = await startFailure({ DATABASE_URL: url.toString(), DATABASE_START_RETRIES: '5' }, 15_000);
    expect(unknownRole.code).toBe(1);
    expect(lines(unknownRole.output)).toEqual([
      expect.stringMatching(
        /^cannot open the database \(DATABASE_URL, PostgreSQL\): .*"chatgate_no_such_role".* \((28000|28P01)\)$/,
      ),
    ]);
  });
});

function lines(output: string): string[] {
  return output.split('\n').filter(Boolean);
}
