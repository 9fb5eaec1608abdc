import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Clock } from '../src/common/clock.js';
import { freshDatabase, usingPostgres } from './support/database.js';
import { FakeClock } from './support/fake-clock.js';
import { LobbyClient } from './support/lobby-client.js';
import { type TestServer, uniqueUname } from './support/server.js';
import { startSimulatedCluster } from './support/simulated-cluster.js';
import { syncClients } from './support/suite.js';
import { startTestingApp, type TestingAppOptions } from './support/testing-app.js';

/**
 * The server (two instances under TEST_CLUSTER=1) with a clock the tests move, so slow mode's waits are exact.
 * Sockets are spread over the instances, so every broadcast below crosses them in the cluster run.
 */
function useModeratedServer(env: Record<string, string> = {}) {
  const clock = new FakeClock(Date.now());
  const options: TestingAppOptions = {
    env,
    customize: (builder) => builder.overrideProvider(Clock).useValue(clock),
  };
  let server: TestServer | undefined;
  const open: LobbyClient[] = [];
  beforeAll(async () => {
    server = process.env.TEST_CLUSTER === '1' ? await startSimulatedCluster(options) : await startTestingApp(options);
  });
  afterEach(() => open.splice(0).forEach((client) => client.close()));
  afterAll(() => server?.close());
  const suite = {
    clock,
    get server(): TestServer {
      if (!server) throw new Error('not started');
      return server;
    },
    get api() {
      return suite.server.api;
    },
    join: async (appId: number, hashedToken?: string) => {
      const client = await LobbyClient.join(suite.server.url, appId, hashedToken);
      open.push(client);
      return client;
    },
    /** A lobby with a mod, two members (lowercase unames) and an anonymous reader, each on its own socket. */
    lobby: async (appOptions: Record<string, unknown> = {}) => {
      const [mod, alice, bob] = await Promise.all([
        suite.api.createUser(uniqueUname('mod'), 'mod'),
        suite.api.createUser(uniqueUname('alice')),
        suite.api.createUser(uniqueUname('bob')),
      ]);
      const created = await suite.api.post('/api/apps', { name: 'Moderated', owners: [], ...appOptions });
      expect(created.status).toBe(201);
      const appId = created.body.id as number;
      return {
        appId,
        users: { mod, alice, bob },
        mod: await suite.join(appId, mod.hashedToken),
        alice: await suite.join(appId, alice.hashedToken),
        bob: await suite.join(appId, bob.hashedToken),
        reader: await suite.join(appId),
      };
    },
  };
  return suite;
}

type Lobby = Awaited<ReturnType<ReturnType<typeof useModeratedServer>['lobby']>>;

/** Posts `text` as `client`, fails unless acked, and returns the broadcast message as `reader` got it. */
async function post(client: LobbyClient, text: string, reader: LobbyClient): Promise<any> {
  expect(await client.say(text)).toEqual([]);
  for (let seen = 0; ; seen++) {
    const found = ((await reader.waitFor('new_message', seen + 1)) as any[]).find((m) => m.text === text);
    if (found) return found;
  }
}

/**
 * Proves nothing else reached `clients` after their events so far: the mod posts a marker, and each client's next
 * event must be that marker.
 */
async function nothingElse(lobby: Lobby, ...clients: LobbyClient[]): Promise<void> {
  const counts = clients.map((client) => ({
    all: client.received.length,
    messages: client.events('new_message').length,
  }));
  const marker = `marker ${randomBytes(4).toString('hex')}`;
  expect(await lobby.mod.say(marker)).toEqual([]);
  for (const [i, client] of clients.entries()) {
    await client.waitFor('new_message', counts[i].messages + 1);
    expect(client.received.slice(counts[i].all)).toEqual([['new_message', expect.objectContaining({ text: marker })]]);
  }
}

describe('lobby moderation: /delete, /purge, /slow, filters, the log (docs/moderation.md)', () => {
  const suite = useModeratedServer();

  describe('/delete', () => {
    it('deletes a message for everyone, tells the sender, never acks, and the next joiner does not see it', async () => {
      const lobby = await suite.lobby();
      const kept = await post(lobby.alice, 'a fine message', lobby.reader);
      const gone = await post(lobby.bob, 'a scam message', lobby.reader);
      const tracked = lobby.mod.emitTrackingAck('new_message', `/delete ${gone.id}`);
      for (const client of [lobby.mod, lobby.alice, lobby.bob, lobby.reader]) {
        expect(await client.waitFor('message_deleted')).toEqual([{ id: gone.id }]);
      }
      expect(await lobby.mod.waitFor('system_message')).toEqual([`Message ${gone.id} deleted`]);
      expect(lobby.alice.events('system_message')).toEqual([]);
      const late = await suite.join(lobby.appId);
      expect(late.data.room.history).toEqual([kept]);
      await nothingElse(lobby, lobby.alice, lobby.reader);
      expect(tracked.acked).toEqual([]);
    });

    it('answers an id that is not in this lobby, and deletes nothing', async () => {
      const lobby = await suite.lobby();
      const other = await suite.lobby();
      const elsewhere = await post(other.alice, 'in another lobby', other.reader);
      lobby.mod.socket.emit('new_message', `/delete ${elsewhere.id}`);
      lobby.mod.socket.emit('new_message', '/delete 2147483648');
      expect(await lobby.mod.waitFor('system_message', 2)).toEqual([
        `No message ${elsewhere.id} in this lobby`,
        'No message 2147483648 in this lobby',
      ]);
      expect((await suite.join(other.appId)).data.room.history).toEqual([elsewhere]);
      await nothingElse(lobby, lobby.reader);
      await nothingElse(other, other.reader);
    });

    it.each([
      ['/delete', 'Invalid delete command'],
      ['/delete abc', 'Invalid delete command'],
      ['/delete 1 2', 'Invalid delete command'],
      ['/purge', 'Invalid purge command'],
      ['/purge a b', 'Invalid purge command'],
      ['/slow', 'Invalid slow command'],
      ['/slow 3601', 'Invalid slow command'],
      ['/slow -1', 'Invalid slow command'],
    ])('answers %j with "%s" and changes nothing', async (text, reply) => {
      const lobby = await suite.lobby();
      const tracked = lobby.mod.emitTrackingAck('new_message', text);
      expect(await lobby.mod.waitFor('system_message')).toEqual([reply]);
      await nothingElse(lobby, lobby.reader);
      expect(tracked.acked).toEqual([]);
    });

    it('refuses the commands to members, and leaves "/slowly" a message', async () => {
      const lobby = await suite.lobby();
      const said = await post(lobby.alice, 'said', lobby.reader);
      for (const text of [`/delete ${said.id}`, `/purge ${lobby.users.bob.uname}`, '/slow 10']) {
        lobby.alice.socket.emit('new_message', text);
      }
      expect(await lobby.alice.waitFor('system_message', 3)).toEqual(
        Array(3).fill('You are not authorized to do that'),
      );
      await post(lobby.alice, '/slowly, I turned', lobby.reader);
      expect((await suite.join(lobby.appId)).data.room.history.map((m: any) => m.text)).toEqual([
        'said',
        '/slowly, I turned',
      ]);
    });

    it('pushes a deletion through the API to every socket too (204, then 404)', async () => {
      const lobby = await suite.lobby();
      const gone = await post(lobby.alice, 'to be removed', lobby.reader);
      const path = `/api/apps/${lobby.appId}/messages/${gone.id}`;
      expect(await suite.api.delete(path)).toEqual({ status: 204, body: null });
      for (const client of [lobby.mod, lobby.alice, lobby.reader]) {
        expect(await client.waitFor('message_deleted')).toEqual([{ id: gone.id }]);
      }
      expect((await suite.api.delete(path)).status).toBe(404);
      expect((await suite.join(lobby.appId)).data.room.history).toEqual([]);
      await nothingElse(lobby, lobby.alice, lobby.reader);
    });
  });

  it("/purge deletes a user's messages in the history, one message_deleted each, in order", async () => {
    const lobby = await suite.lobby();
    const bobs = [];
    bobs.push(await post(lobby.bob, 'buy', lobby.reader));
    const kept = await post(lobby.alice, 'no thanks', lobby.reader);
    bobs.push(await post(lobby.bob, 'buy now', lobby.reader));
    bobs.push(await post(lobby.bob, 'BUY', lobby.reader));
    const bob = lobby.users.bob.uname;
    const tracked = lobby.mod.emitTrackingAck('new_message', `/purge ${bob.toUpperCase()}`);
    const deletions = bobs.map((m) => ({ id: m.id }));
    for (const client of [lobby.mod, lobby.alice, lobby.bob, lobby.reader]) {
      expect(await client.waitFor('message_deleted', 3)).toEqual(deletions);
    }
    expect(await lobby.mod.waitFor('system_message')).toEqual([`Deleted 3 messages by ${bob}`]);
    expect((await suite.join(lobby.appId)).data.room.history).toEqual([kept]);
    lobby.mod.socket.emit('new_message', `/purge ${bob}`);
    expect(await lobby.mod.waitFor('system_message', 2)).toEqual([
      `Deleted 3 messages by ${bob}`,
      `Deleted 0 messages by ${bob}`,
    ]);
    await nothingElse(lobby, lobby.alice, lobby.reader);
    expect(tracked.acked).toEqual([]);
  });

  describe('slow mode', () => {
    it('holds a member to one message per period, tells them how long to wait, and exempts staff', async () => {
      const lobby = await suite.lobby();
      const tracked = lobby.mod.emitTrackingAck('new_message', '/slow 30');
      for (const client of [lobby.mod, lobby.alice, lobby.reader]) {
        expect(await client.waitFor('system_message')).toEqual(['Slow mode is on: one message every 30 s']);
      }
      expect((await suite.join(lobby.appId)).data.room.slowMode).toBe(30);

      await post(lobby.alice, 'first', lobby.reader);
      const refused = lobby.alice.emitTrackingAck('new_message', 'second');
      expect(await lobby.alice.waitFor('system_message', 2)).toEqual([
        'Slow mode is on: one message every 30 s',
        'Slow mode is on: wait 30 s',
      ]);
      // Another member has a turn of their own; staff have no turns.
      await post(lobby.bob, 'bob here', lobby.reader);
      await post(lobby.mod, 'mod one', lobby.reader);
      await post(lobby.mod, 'mod two', lobby.reader);
      suite.clock.advance(29_001);
      lobby.alice.socket.emit('new_message', 'still early');
      expect(await lobby.alice.waitFor('system_message', 3)).toEqual([
        'Slow mode is on: one message every 30 s',
        'Slow mode is on: wait 30 s',
        'Slow mode is on: wait 1 s',
      ]);
      await nothingElse(lobby, lobby.reader);
      suite.clock.advance(999);
      await post(lobby.alice, 'on time', lobby.reader);
      expect(refused.acked).toEqual([]);
      expect(tracked.acked).toEqual([]);
      expect((await suite.join(lobby.appId)).data.room.history.map((m: any) => m.text)).toEqual([
        'first',
        'bob here',
        'mod one',
        'mod two',
        expect.stringMatching(/^marker /),
        'on time',
      ]);
    });

    it('is set through the API too, announced only when it changes, and turned off with 0', async () => {
      const lobby = await suite.lobby();
      const patched = await suite.api.patch(`/api/apps/${lobby.appId}`, { slowModeSeconds: 5 });
      expect(patched.status).toBe(200);
      expect(patched.body.slowModeSeconds).toBe(5);
      expect(await lobby.reader.waitFor('system_message')).toEqual(['Slow mode is on: one message every 5 s']);
      expect((await suite.api.patch(`/api/apps/${lobby.appId}`, { slowModeSeconds: 3601 })).status).toBe(400);
      // The same value again: the sender hears it, the lobby is not told again.
      lobby.mod.socket.emit('new_message', '/slow 5');
      expect(await lobby.mod.waitFor('system_message', 2)).toEqual([
        'Slow mode is on: one message every 5 s',
        'Slow mode is on: one message every 5 s',
      ]);
      lobby.mod.socket.emit('new_message', '/slow 0');
      expect(await lobby.reader.waitFor('system_message', 2)).toEqual([
        'Slow mode is on: one message every 5 s',
        'Slow mode is off',
      ]);
      await post(lobby.alice, 'one', lobby.reader);
      await post(lobby.alice, 'two', lobby.reader);
      expect((await suite.join(lobby.appId)).data.room.slowMode).toBe(0);
      expect((await suite.api.get(`/api/apps/${lobby.appId}`)).body.slowModeSeconds).toBe(0);
    });
  });

  describe('filters', () => {
    it("refuses a member's message with a blocked word or a link, stores nothing, and exempts staff", async () => {
      const lobby = await suite.lobby({ blockedWords: ['scam', 'free coins'], allowLinks: false });
      expect((await suite.api.get(`/api/apps/${lobby.appId}`)).body).toMatchObject({
        blockedWords: ['scam', 'free coins'],
        allowLinks: false,
        slowModeSeconds: 0,
      });
      const blocked = [
        'ｓｃａｍ alert',
        'not a SCÁM',
        'get FREE   coins',
        'see https://x.example',
        'visit dice.example',
      ];
      const tracked = blocked.map((text) => lobby.alice.emitTrackingAck('new_message', text));
      expect(await lobby.alice.waitFor('system_message', blocked.length)).toEqual(
        blocked.map(() => "Message blocked by this lobby's filter"),
      );
      await nothingElse(lobby, lobby.reader, lobby.bob);
      await post(lobby.alice, 'scammer is a longer word', lobby.reader);
      await post(lobby.mod, 'a mod may say scam and dice.example', lobby.reader);
      expect(tracked.flatMap((t) => t.acked)).toEqual([]);
      expect((await suite.join(lobby.appId)).data.room.history.map((m: any) => m.text)).toEqual([
        expect.stringMatching(/^marker /),
        'scammer is a longer word',
        'a mod may say scam and dice.example',
      ]);

      const changed = await suite.api.patch(`/api/apps/${lobby.appId}`, { blockedWords: [], allowLinks: true });
      expect(changed.body).toMatchObject({ blockedWords: [], allowLinks: true });
      // The change reaches the other instance's cached settings through the bus (TEST_CLUSTER): wait for the hub to
      // hand over what was published before alice writes there.
      await syncClients(suite.server, lobby.alice);
      await post(lobby.alice, 'scam at dice.example', lobby.reader);
    });
  });

  it('records every action in the log, in order, readable by pages', async () => {
    const lobby = await suite.lobby();
    const { mod, alice, bob } = lobby.users;
    const modName = mod.uname;
    const one = await post(lobby.alice, 'one', lobby.reader);
    const two = await post(lobby.alice, 'two', lobby.reader);
    const three = await post(lobby.bob, 'three', lobby.reader);
    const commands = [
      `/mute ${bob.uname} 10`,
      `/unmute ${bob.uname}`,
      `/unmute ${bob.uname}`, // not muted: no change, not recorded
      `/delete ${one.id}`,
      `/purge ${alice.uname}`,
      '/slow 20',
    ];
    for (const [i, text] of commands.entries()) {
      lobby.mod.socket.emit('new_message', text);
      await lobby.mod.waitFor('system_message', i + 1);
    }
    expect((await suite.api.delete(`/api/apps/${lobby.appId}/messages/${three.id}`)).status).toBe(204);
    expect((await suite.api.patch(`/api/apps/${lobby.appId}`, { slowModeSeconds: 0 })).status).toBe(200);

    const log = await suite.api.get(`/api/apps/${lobby.appId}/moderation`);
    expect(log.status).toBe(200);
    const at = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const entry = (actor: string | null, action: string, target: string | null, details: object) => ({
      id: expect.any(Number),
      at,
      actor,
      action,
      target,
      details,
    });
    expect(log.body).toEqual([
      entry(modName, 'mute', bob.uname, { mins: 10, expires_at: expect.any(String) }),
      entry(modName, 'unmute', bob.uname, {}),
      entry(modName, 'delete', alice.uname, { messageId: one.id }),
      entry(modName, 'purge', alice.uname, { count: 1, messageIds: [two.id] }),
      entry(modName, 'slow_mode', null, { seconds: 20 }),
      entry(null, 'delete', bob.uname, { messageId: three.id }),
      entry(null, 'slow_mode', null, { seconds: 0 }),
    ]);
    const ids = log.body.map((e: any) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const page = await suite.api.get(`/api/apps/${lobby.appId}/moderation?limit=2&after=${ids[1]}`);
    expect(page.body).toEqual(log.body.slice(2, 4));
    expect((await suite.api.get(`/api/apps/${lobby.appId}/moderation?limit=501`)).status).toBe(400);
    expect((await suite.api.get('/api/apps/999999/moderation')).status).toBe(404);
    // Another lobby's log is its own.
    const other = await suite.api.createApp();
    expect((await suite.api.get(`/api/apps/${other}/moderation`)).body).toEqual([]);
  });
});

describe('blocked-word bounds (LOBBY_BLOCKED_WORDS_MAX, LOBBY_BLOCKED_WORD_MAX_LENGTH)', () => {
  const suite = useModeratedServer({ LOBBY_BLOCKED_WORDS_MAX: '2', LOBBY_BLOCKED_WORD_MAX_LENGTH: '5' });

  it('refuses a list that is too long, a word that is too long or blank, and stores nothing', async () => {
    const appId = await suite.api.createApp();
    for (const blockedWords of [['a', 'b', 'c'], ['sixsix'], ['  ']]) {
      const res = await suite.api.patch(`/api/apps/${appId}`, { blockedWords });
      expect(res.status).toBe(400);
    }
    const created = await suite.api.post('/api/apps', { name: 'x', owners: [], blockedWords: ['a', 'b', 'c'] });
    expect(created.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'blockedWords must hold at most 2 words',
    });
    expect((await suite.api.get(`/api/apps/${appId}`)).body.blockedWords).toEqual([]);
    const ok = await suite.api.patch(`/api/apps/${appId}`, { blockedWords: [' five ', 'FIVE'] });
    expect(ok.body.blockedWords).toEqual(['five']);
  });
});

describe('moderation metrics', () => {
  it('counts each recorded action by kind on the instance that recorded it', async () => {
    const server = await startTestingApp();
    try {
      const mod = await server.api.createUser(uniqueUname('mod'), 'mod');
      const appId = await server.api.createApp();
      const client = await LobbyClient.join(server.url, appId, mod.hashedToken);
      for (const text of ['/slow 10', '/slow 0', '/mute someone 5', '/delete 1'])
        client.socket.emit('new_message', text);
      expect(await client.waitFor('system_message', 4)).toEqual([
        'Slow mode is on: one message every 10 s',
        'Slow mode is off',
        'User "someone" muted for 5 minutes',
        'No message 1 in this lobby',
      ]);
      client.close();
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      const counted = metrics.split('\n').filter((line) => line.startsWith('chatgate_moderation_actions_total{'));
      expect(counted.sort()).toEqual([
        'chatgate_moderation_actions_total{action="mute"} 1',
        'chatgate_moderation_actions_total{action="slow_mode"} 2',
      ]);
    } finally {
      await server.close();
    }
  });
});

describe('slow mode across a restart', () => {
  it('keeps the setting and each member’s last post', async () => {
    const db = usingPostgres() ? await freshDatabase() : sqliteFile();
    const clock = new FakeClock(Date.now());
    const start = () =>
      startTestingApp({
        databaseUrl: db.url,
        customize: (builder) => builder.overrideProvider(Clock).useValue(clock),
      });
    let server = await start();
    try {
      const user = await server.api.createUser(uniqueUname('patient'));
      const appId = await server.api.createApp();
      expect((await server.api.patch(`/api/apps/${appId}`, { slowModeSeconds: 60 })).status).toBe(200);
      const before = await LobbyClient.join(server.url, appId, user.hashedToken);
      expect(await before.say('before the restart')).toEqual([]);
      before.close();
      await server.close();
      clock.advance(10_000);

      server = await start();
      const after = await LobbyClient.join(server.url, appId, user.hashedToken);
      expect(after.data.room.slowMode).toBe(60);
      after.socket.emit('new_message', 'right after');
      expect(await after.waitFor('system_message')).toEqual(['Slow mode is on: wait 50 s']);
      clock.advance(50_000);
      expect(await after.say('a minute later')).toEqual([]);
      after.close();
    } finally {
      await server.close();
      await db.drop();
    }
  });
});

function sqliteFile() {
  const path = joinPath(tmpdir(), `chatgate-moderation-${process.pid}-${randomBytes(4).toString('hex')}.sqlite`);
  return {
    url: `sqlite:${path}`,
    drop: async () => ['', '-wal', '-shm'].forEach((suffix) => rmSync(path + suffix, { force: true })),
  };
}
