import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LobbyClient } from './support/lobby-client.js';
import { openConnections } from './support/metrics.js';
import { startServer } from './support/server.js';
import { useTestServer } from './support/suite.js';
import { until } from './support/until.js';

const ALICE_HASH = 'a'.repeat(64);
const SLOW_HASH = 'b'.repeat(64);
const BROKEN_HASH = 'c'.repeat(64);
const ALICE = { id: 7001, uname: 'Alice', role: 'member' };
/** USER_DIRECTORY_TIMEOUT_MS: roomy beside the moments a test holds SLOW_HASH's lookup for. */
const DIRECTORY_TIMEOUT_MS = 1500;

/**
 * A stand-in for the site's own user service, answering the two lookups the lobby makes. SLOW_HASH's lookup is
 * answered only when the test calls the function it left in `held`.
 */
function startDirectory(): Promise<{ server: Server; url: string; requests: string[]; held: (() => void)[] }> {
  const requests: string[] = [];
  const held: (() => void)[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    switch (req.url) {
      case '/dir/apps/1':
        return json(200, { id: 1, owners: ['olga'], mods: ['alice'] });
      case '/dir/apps/2':
        return json(200, { id: 2, owners: ['olga'] });
      case '/dir/apps/3':
        return json(503, { error: 'down' });
      case '/dir/apps/4':
        return setTimeout(() => json(200, { id: 4, owners: [] }), DIRECTORY_TIMEOUT_MS + 1000);
      case '/dir/apps/5':
        return json(200, { id: 5, owners: 'olga' });
      case `/dir/hashed-token-users/${ALICE_HASH}`:
        return json(200, ALICE);
      case `/dir/hashed-token-users/${SLOW_HASH}`:
        return void held.push(() => json(200, { id: 7002, uname: 'slowpoke', role: 'member' }));
      case `/dir/hashed-token-users/${BROKEN_HASH}`:
        return json(500, {});
      default:
        return json(404, { error: 'not found' });
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dir`, requests, held }),
    ),
  );
}

describe('lobby auth against a remote user directory (USER_DIRECTORY_URL)', () => {
  let directory: Awaited<ReturnType<typeof startDirectory>>;
  beforeAll(async () => {
    directory = await startDirectory();
  });
  afterAll(() => directory.server.close());
  // One auth at a time per instance (AuthQueue): an auth's reply then comes after the lookup of one begun before it.
  const suite = useTestServer(() => ({
    USER_DIRECTORY_URL: directory.url,
    USER_DIRECTORY_TIMEOUT_MS: String(DIRECTORY_TIMEOUT_MS),
    AUTH_CONCURRENCY: '1',
  }));
  const connect = () => suite.lobbyClient();

  it("authenticates a user the directory knows, with the app's staff lists applied", async () => {
    const client = await connect();
    const user = { ...ALICE, role: 'mod' };
    expect(await client.auth({ app_id: 1, hashed_token: ALICE_HASH })).toEqual([
      null,
      { user, room: { users: { Alice: user }, history: [], muteList: {}, slowMode: 0 } },
    ]);
    expect(directory.requests).toContain(`/dir/hashed-token-users/${ALICE_HASH}`);
  });

  it('treats a hash the directory answers 404 for as anonymous', async () => {
    const client = await connect();
    expect(await client.auth({ app_id: 2, hashed_token: 'd'.repeat(64) })).toEqual([
      null,
      { room: { users: {}, history: [], muteList: {}, slowMode: 0 } },
    ]);
  });

  it('answers an app the directory does not know with client_error', async () => {
    const client = await connect();
    const tracked = client.emitTrackingAck('auth', { app_id: 99 });
    expect(await client.waitFor('client_error')).toEqual(['no app found with the app_id you sent to `auth` event']);
    await suite.sync(client);
    expect(tracked.acked).toEqual([]);
  });

  it.each([
    ['answers 503 for the app', { app_id: 3 }],
    ['is slower than the timeout', { app_id: 4 }],
    ['sends a malformed app', { app_id: 5 }],
    ['fails the user lookup', { app_id: 2, hashed_token: BROKEN_HASH }],
  ])('acks INTERNAL_ERROR when the directory %s', async (_, payload) => {
    const client = await connect();
    expect(await client.auth(payload)).toEqual(['INTERNAL_ERROR']);
    expect(client.events('client_error')).toEqual([]);
  });

  it('lets a user post in a lobby whose app lives in the directory', async () => {
    const client = await connect();
    await client.auth({ app_id: 2, hashed_token: ALICE_HASH });
    expect(await client.say('hi from afar')).toEqual([]);
    const reader = await connect();
    const [, data] = await reader.auth({ app_id: 2 });
    expect((data as any).room.history).toEqual([
      { id: expect.any(Number), user: { uname: 'Alice', role: 'member' }, text: 'hi from afar' },
    ]);
  });

  it('does not join or list a socket that disconnected while its auth was being looked up', async () => {
    const watcher = await connect();
    await watcher.auth({ app_id: 2 });
    const leaver = await connect();
    leaver.socket.emit('auth', { app_id: 2, hashed_token: SLOW_HASH }, () => {});
    await until(() => directory.held.length === 1, { what: "the leaver's lookup at the directory" });
    leaver.close();
    await until(async () => (await openConnections(suite.server, 'lobby')) === 1, {
      what: "the leaver's close handled",
    });
    directory.held.shift()!();
    // Two readers, one on each instance under TEST_CLUSTER: each one's auth runs after the leaver's has ended on its
    // instance, so its reply is the marker behind whatever the answered lookup led to.
    const readers = [await connect(), await connect()];
    for (const reader of readers) {
      const [error, data] = await reader.auth({ app_id: 2 });
      expect(error).toBeNull();
      expect((data as any).room.users).toEqual({});
    }
    await suite.sync(watcher);
    expect(watcher.received).toEqual([]);
  });
});

describe("reusing the remote directory's answers (USER_DIRECTORY_CACHE_TTL_MS)", () => {
  let directory: Awaited<ReturnType<typeof startDirectory>>;
  beforeAll(async () => {
    directory = await startDirectory();
  });
  afterAll(() => directory.server.close());
  const asked = (path: string) => directory.requests.filter((request) => request === `/dir${path}`).length;
  const authTwice = async (url: string, payload: object) => {
    for (let i = 0; i < 2; i++) {
      const client = await LobbyClient.connect(url);
      expect((await client.auth(payload))[0]).toBeNull();
      client.close();
    }
  };

  describe('by default', () => {
    const suite = useTestServer(() => ({ USER_DIRECTORY_URL: directory.url }));

    it('asks the directory on every auth: it announces no changes', async () => {
      await authTwice(suite.server.url, { app_id: 2, hashed_token: ALICE_HASH });
      expect([asked('/apps/2'), asked(`/hashed-token-users/${ALICE_HASH}`)]).toEqual([2, 2]);
    });
  });

  describe('when set', () => {
    // One instance: each instance holds its own answers.
    const suite = useTestServer(() => ({ USER_DIRECTORY_URL: directory.url, USER_DIRECTORY_CACHE_TTL_MS: '60000' }), {
      singleInstance: true,
    });

    it('asks once per found app and token within the ttl, and again each time for unknown ones', async () => {
      directory.requests.length = 0;
      const unknown = 'e'.repeat(64);
      await authTwice(suite.server.url, { app_id: 1, hashed_token: ALICE_HASH });
      await authTwice(suite.server.url, { app_id: 1, hashed_token: unknown });
      expect([
        asked('/apps/1'),
        asked(`/hashed-token-users/${ALICE_HASH}`),
        asked(`/hashed-token-users/${unknown}`),
      ]).toEqual([1, 1, 2]);
    });
  });
});

describe('lobby auth when the directory cannot be reached at all', () => {
  it('acks INTERNAL_ERROR', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const server = await startServer({ USER_DIRECTORY_URL: `http://127.0.0.1:${port}` });
    try {
      const client = await LobbyClient.connect(server.url);
      expect(await client.auth({ app_id: 1 })).toEqual(['INTERNAL_ERROR']);
      client.close();
    } finally {
      await server.close();
    }
  });
});
