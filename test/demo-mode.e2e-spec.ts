import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoCredentials } from '../src/demo/demo.service.js';
import { Api, ADMIN_TOKEN } from './support/server.js';
import { killed, type ServerProcess, spawnServer } from './support/server-process.js';
import { startTestingApp } from './support/testing-app.js';

/** The secrets demo mode hands the page, none of which may reach a log. */
const secrets = (demo: DemoCredentials) => [demo.seller.token, ...demo.lobby.users.map((user) => user.hashedToken)];

describe('demo mode: `npm start` on an empty SQLite file sets up the demo by itself', () => {
  let dir: string;
  const running: ServerProcess[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatgate-demo-'));
  });
  afterAll(async () => {
    await Promise.all(running.splice(0).map(({ child }) => killed(child, 'SIGTERM')));
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string>): Promise<ServerProcess> {
    const server = await spawnServer({ ADMIN_TOKEN, ...env });
    running.push(server);
    return server;
  }

  async function stop(server: ServerProcess): Promise<void> {
    running.splice(running.indexOf(server), 1);
    await killed(server.child, 'SIGTERM');
  }

  it('creates the demo app, users and seller, says so without a token, and finds them again on the next start', async () => {
    const env = { DATABASE_URL: `sqlite:${join(dir, 'fresh.sqlite')}` };
    const first = await start(env);
    expect(first.output()).toContain(
      'demo: created app 1 "Chatgate demo" (users alice, bob, mia; mia moderates) and seller 4 "Demo shop" in the empty database; ' +
        'demo page at / (DEMO=false turns this off)',
    );
    const demo = (await (await fetch(`${first.url}/demo/config.json`)).json()) as DemoCredentials;
    expect(demo).toEqual({
      lobby: {
        appId: 1,
        users: [
          { uname: 'alice', role: 'member', hashedToken: expect.stringMatching(/^[0-9a-f]{64}$/) },
          { uname: 'bob', role: 'member', hashedToken: expect.stringMatching(/^[0-9a-f]{64}$/) },
          { uname: 'mia', role: 'mod', hashedToken: expect.stringMatching(/^[0-9a-f]{64}$/) },
        ],
      },
      seller: { id: 4, name: 'Demo shop', token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
    });
    const page = await fetch(`${first.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await new Api(first.url).get('/api/apps/1')).body).toEqual({
      id: 1,
      name: 'Chatgate demo',
      owners: [],
      mods: ['mia'],
      origins: [],
      slowModeSeconds: 0,
      blockedWords: [],
      allowLinks: true,
    });
    await stop(first);

    const second = await start(env);
    expect(second.output()).toContain(
      'demo: found app 1 "Chatgate demo" and seller 4; issued fresh demo tokens; demo page at /',
    );
    const again = (await (await fetch(`${second.url}/demo/config.json`)).json()) as DemoCredentials;
    expect(again.lobby.users.map((user) => user.uname)).toEqual(['alice', 'bob', 'mia']);
    expect(again.seller.token).not.toBe(demo.seller.token);
    expect((await new Api(second.url).get('/api/users')).body.map((user: { uname: string }) => user.uname)).toEqual([
      'alice',
      'bob',
      'mia',
    ]);
    for (const secret of [...secrets(demo), ...secrets(again)]) {
      expect(first.output() + second.output()).not.toContain(secret);
    }
    await stop(second);
  });

  it('stays off with NODE_ENV=production: nothing created, no page at /, the widgets still served', async () => {
    const server = await start({ DATABASE_URL: `sqlite:${join(dir, 'production.sqlite')}`, NODE_ENV: 'production' });
    expect(server.output()).not.toContain('demo:');
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/demo/config.json`)).status).toBe(404);
    expect((await new Api(server.url).get('/api/users')).body).toEqual([]);
    expect((await fetch(`${server.url}/widgets/lobby.js`)).status).toBe(200);
    await stop(server);
  });

  it('leaves a database holding other data alone, even with DEMO=true', async () => {
    const databaseUrl = `sqlite:${join(dir, 'used.sqlite')}`;
    const before = await startTestingApp({ databaseUrl, env: { DEMO: 'false' } });
    await before.api.createApp();
    await before.close();

    const server = await startTestingApp({ databaseUrl, env: { DEMO: 'true' } });
    try {
      expect((await fetch(`${server.url}/demo/config.json`)).status).toBe(404);
      expect((await server.api.get('/api/users')).body).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
