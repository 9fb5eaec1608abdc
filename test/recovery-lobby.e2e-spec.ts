import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock } from '../src/common/clock.js';
import { FakeClock } from './support/fake-clock.js';
import { LobbyClient } from './support/lobby-client.js';
import { metricValue } from './support/metrics.js';
import { type TestServer, uniqueUname } from './support/server.js';
import { startSimulatedCluster } from './support/simulated-cluster.js';
import { startTestingApp, type TestingAppOptions } from './support/testing-app.js';

const BAD_SINCE = '`since` sent with `auth` event must be a message id (a non-negative integer)';

/**
 * `auth` with `since` (docs/recovery.md): the messages after it, `recovered`, and the ids deleted meanwhile. A small
 * history and catch-up bound so the cuts are cheap to reach; a clock the tests move for the window. Under
 * TEST_CLUSTER=1 two instances, writer and reader on different ones.
 */
describe('lobby auth with since (docs/recovery.md)', () => {
  const clock = new FakeClock(Date.now());
  const env = { LOBBY_HISTORY_SIZE: '5', RECOVERY_MAX_MESSAGES: '8', RECOVERY_WINDOW_MS: '60000' };
  const options: TestingAppOptions = { env, customize: (builder) => builder.overrideProvider(Clock).useValue(clock) };
  let server: TestServer;
  const open: LobbyClient[] = [];
  beforeAll(async () => {
    server = process.env.TEST_CLUSTER === '1' ? await startSimulatedCluster(options) : await startTestingApp(options);
  });
  afterAll(async () => {
    open.forEach((client) => client.close());
    await server.close();
  });

  async function lobby() {
    const mod = await server.api.createUser(uniqueUname('mod'), 'mod');
    const appId = await server.api.createApp();
    const writer = await LobbyClient.join(server.url, appId, mod.hashedToken);
    open.push(writer);
    let n = 0;
    /** Posts `count` messages, each acked, and returns them as the lobby shows them. */
    const post = async (count: number) => {
      const posted: string[] = [];
      for (let i = 0; i < count; i++) {
        const text = `m${++n}`;
        expect(await writer.say(text)).toEqual([]);
        posted.push(text);
      }
      const all = (await writer.waitFor('new_message', n)) as { id: number; text: string }[];
      return all.filter((m) => posted.includes(m.text));
    };
    const reconnect = async (payload: Record<string, unknown>) => {
      const client = await LobbyClient.connect(server.url);
      open.push(client);
      return client.auth({ app_id: appId, ...payload });
    };
    return { appId, mod, post, reconnect };
  }

  it('answers without since exactly as the protocol does: no recovered, no deleted', async () => {
    const { post, reconnect } = await lobby();
    const messages = await post(2);
    const [error, data] = (await reconnect({})) as [null, any];
    expect(error).toBeNull();
    expect(Object.keys(data.room)).toEqual(['users', 'history', 'muteList', 'slowMode']);
    expect(data.room.history).toEqual(messages);
  });

  it('sends every message after since, oldest first, recovered, past the newest LOBBY_HISTORY_SIZE', async () => {
    const { post, reconnect } = await lobby();
    const [held] = await post(1);
    const missed = await post(7);
    expect(await reconnect({ since: held.id })).toEqual([
      null,
      expect.objectContaining({ room: expect.objectContaining({ history: missed, recovered: true, deleted: [] }) }),
    ]);
    const latest = missed[6];
    expect(await reconnect({ since: latest.id })).toEqual([
      null,
      expect.objectContaining({ room: expect.objectContaining({ history: [], recovered: true, deleted: [] }) }),
    ]);
  });

  it('says recovered: false with the newest RECOVERY_MAX_MESSAGES when the gap is larger', async () => {
    const { post, reconnect } = await lobby();
    const [held] = await post(1);
    const missed = await post(10);
    const [, data] = (await reconnect({ since: held.id })) as [null, any];
    expect(data.room.history).toEqual(missed.slice(-8));
    expect(data.room.recovered).toBe(false);
  });

  it('says recovered: false with the messages inside RECOVERY_WINDOW_MS when older ones were missed', async () => {
    const { post, reconnect } = await lobby();
    const [held] = await post(1);
    await post(2);
    clock.advance(60_001);
    const recent = await post(2);
    const [, data] = (await reconnect({ since: held.id })) as [null, any];
    expect(data.room.history).toEqual(recent);
    expect(data.room.recovered).toBe(false);
  });

  it('leaves deleted messages out and names the held ones deleted while the reader was away', async () => {
    const { appId, post, reconnect } = await lobby();
    const [kept, gone, held] = await post(3);
    const [after, goneAfter, last] = await post(3);
    for (const id of [gone.id, goneAfter.id]) {
      expect((await server.api.delete(`/api/apps/${appId}/messages/${id}`)).status).toBe(204);
    }
    const [, data] = (await reconnect({ since: held.id })) as [null, any];
    expect(data.room.history).toEqual([after, last]);
    expect(data.room.recovered).toBe(true);
    expect(data.room.deleted).toEqual([gone.id]);
    expect(kept.id).toBeLessThan(gone.id);
  });

  it.each([
    ['negative', -1],
    ['a fraction', 1.5],
    ['a string', '12'],
    ['an object', { id: 1 }],
    ['too large', 2 ** 53],
  ])('answers a since that is %s with client_error and no ack', async (_, since) => {
    const { appId } = await lobby();
    const client = await LobbyClient.connect(server.url);
    open.push(client);
    const tracked = client.emitTrackingAck('auth', { app_id: appId, since });
    expect(await client.waitFor('client_error')).toEqual([BAD_SINCE]);
    await client.sync();
    expect(tracked.acked).toEqual([]);
    expect(client.received).toEqual([['client_error', BAD_SINCE]]);
  });

  it('answers a since that the shared recent history covers without a catch-up query', async () => {
    if (process.env.TEST_CLUSTER === '1') return; // metrics are per instance
    const { post, reconnect } = await lobby();
    const [held, ...missed] = await post(4);
    const before = await metricValue(server.url, 'chatgate_history_reads_total', {
      protocol: 'lobby',
      kind: 'catch_up',
    });
    const [, data] = (await reconnect({ since: held.id })) as [null, any];
    expect(data.room.history).toEqual(missed);
    const after = await metricValue(server.url, 'chatgate_history_reads_total', {
      protocol: 'lobby',
      kind: 'catch_up',
    });
    expect(after).toBe(before);
  });
});
