import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { useClusterProcesses } from '../support/cluster-processes.js';
import { LobbyClient } from '../support/lobby-client.js';
import { type Frame, SellerClient } from '../support/seller-client.js';
import { uniqueUname } from '../support/server.js';
import { until } from '../support/until.js';

/** The outage under test: Redis is stopped this long, while the writers write. */
const OUTAGE_MS = 5000;
/** The writers write live this long before Redis stops, and this long after it is back: the outage has two sides. */
const LIVE_BEFORE_MS = 1000;
const LIVE_AFTER_MS = 2000;
/** One message every this long from each writer: 10 per second. */
const PACE_MS = 100;
/** How soon after Redis returns the readers must hold every message sent while it was gone. */
const CAUGHT_UP_WITHIN_MS = 10_000;

interface Sent {
  id: number;
  text: string;
}

/**
 * Sends one message every PACE_MS, each after the previous one's ack, until `stop` says so; resolves with what was
 * acknowledged, in order. `send` throws on a refusal.
 */
async function pace(send: (n: number) => Promise<Sent>, stop: () => boolean): Promise<Sent[]> {
  const acked: Sent[] = [];
  const start = Date.now();
  for (let n = 0; !stop(); n++) {
    const due = start + n * PACE_MS - Date.now();
    if (due > 0) await sleep(due);
    acked.push(await send(n));
  }
  return acked;
}

describe('two instances whose Redis stops for 5 s while a writer on one posts 10 messages/s', () => {
  const cluster = useClusterProcesses(
    2,
    {
      PRESENCE_TTL_MS: '1500',
      // The writers post faster than the default rates allow; the limits are not what this test is about.
      LOBBY_RATE_MESSAGES: '1000',
      SELLER_RATE_MESSAGES: '1000',
    },
    { ownRedis: true },
  );

  it('gives a reader that stays connected on the other instance every acknowledged message, in order, once: lobby and seller chat', async () => {
    const [near, far] = cluster.instances.map((instance) => instance.url);

    // The lobby: a member writes on the near instance, an anonymous reader reads on the far one.
    const appId = await cluster.api.createApp();
    const user = await cluster.api.createUser(uniqueUname('writer'));
    const speaker = await LobbyClient.join(near, appId, user.hashedToken);
    const reader = await LobbyClient.join(far, appId);
    [speaker, reader].forEach(cluster.track);

    // The seller chat: a client writes on the near instance to a seller (taking offline messages, so the client may
    // write while the near instance cannot see the seller online) whose tab reads on the far one.
    const seller = (await cluster.api.post('/api/sellers', { name: 'Steady', offlineMessages: true })).body as {
      id: number;
      token: string;
    };
    const tab = await SellerClient.connect(far);
    const client = await SellerClient.connect(near);
    [tab, client].forEach(cluster.track);
    await tab.request('auth', { id: seller.id, token: seller.token });
    const [auth] = await client.request('auth', { name: 'Writer', sellerId: seller.id });
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    await tab.waitFor('chat');

    let lobbyAcked = 0;
    const say = async (n: number): Promise<Sent> => {
      const text = `lobby ${n}`;
      expect(await speaker.say(text)).toEqual([]);
      // The speaker hears its own broadcast before the ack: its id is the stored message's.
      const own = (await speaker.waitFor('new_message', ++lobbyAcked)).at(-1) as Sent;
      expect(own.text).toBe(text);
      return { id: own.id, text };
    };
    let sellerAcked = 0;
    const send = async (n: number): Promise<Sent> => {
      const text = `seller ${n}`;
      client.send('message', { text, clientDate: n + 1, chatId });
      const ack = (await client.waitFor('message', ++sellerAcked)).at(-1) as Frame;
      expect(ack.error).toBeUndefined();
      expect(ack.data.text).toBe(text);
      return { id: ack.data.id, text };
    };

    let stopped = false;
    const writers = Promise.all([pace(say, () => stopped), pace(send, () => stopped)]);
    // A writer's failure is reported where `writers` is awaited; meanwhile it must not go unhandled.
    writers.catch(() => (stopped = true));
    await sleep(LIVE_BEFORE_MS);
    await cluster.redis.stop();
    const lobbyBefore = lobbyAcked;
    const sellerBefore = sellerAcked;
    await sleep(OUTAGE_MS / 2);
    // A reader that joins the far instance during the outage: its history comes from the database, the rest from the
    // repair, which reads from further back for the reader already there; it is not given twice what it holds.
    const lateReader = await LobbyClient.join(far, appId);
    cluster.track(lateReader);
    // A client that first contacts the seller during the outage, on the near instance: the seller's tab hears of the
    // chat, then of its messages, from the repair.
    const latecomer = await SellerClient.connect(near);
    cluster.track(latecomer);
    const [lateAuth] = await latecomer.request('auth', { name: 'Latecomer', sellerId: seller.id });
    const lateChatId = Number(Object.keys(lateAuth.data.chats)[0]);
    const lateSent: Sent[] = [];
    for (let n = 1; n <= 3; n++) {
      latecomer.send('message', { text: `late ${n}`, clientDate: n, chatId: lateChatId });
      const ack = (await latecomer.waitFor('message', n)).at(-1) as Frame;
      expect(ack.error).toBeUndefined();
      lateSent.push({ id: ack.data.id, text: `late ${n}` });
    }
    await sleep(OUTAGE_MS / 2);
    await cluster.redis.restart();
    const back = Date.now();
    const lobbyDuring = lobbyAcked - lobbyBefore;
    const sellerDuring = sellerAcked - sellerBefore;
    expect(lobbyDuring).toBeGreaterThanOrEqual(40);
    expect(sellerDuring).toBeGreaterThanOrEqual(40);

    // Every message acknowledged while Redis was gone reaches the readers within the bound.
    const holds = (texts: string[], prefix: string, count: number) =>
      Array.from({ length: count }, (_, n) => `${prefix} ${n}`).every((text) => texts.includes(text));
    await until(
      () =>
        holds(
          reader.events('new_message').map(([, m]) => (m as Sent).text),
          'lobby',
          lobbyBefore + lobbyDuring,
        ) &&
        holds(
          tab.of('message').map(({ data }) => (data as Sent).text),
          'seller',
          sellerBefore + sellerDuring,
        ) &&
        lateSent.every(({ id }) => tab.of('message').some(({ data }) => (data as Sent).id === id)),
      { what: 'the messages sent during the outage at the far readers', timeoutMs: CAUGHT_UP_WITHIN_MS },
    );
    const caughtUpAfterMs = Date.now() - back;
    // Writing goes on a while after Redis returned, then stops.
    await sleep(LIVE_AFTER_MS);
    stopped = true;
    const [lobbySent, sellerSent] = await writers;

    // A marker from each writer: a second copy of anything, or anything still to come, would arrive before it.
    expect(await speaker.say('marker')).toEqual([]);
    await reader.waitFor('new_message', lobbySent.length + 1, 10_000);
    client.send('message', { text: 'marker', clientDate: -1, chatId });
    await tab.waitFor('message', sellerSent.length + lateSent.length + 1, 10_000);
    await client.waitFor('message', sellerSent.length + 1);

    const lobbyGot = reader.events('new_message').map(([, m]) => m as Sent & { user: unknown });
    expect(lobbyGot.map(({ id, text }) => ({ id, text }))).toEqual([
      ...lobbySent,
      { id: expect.any(Number), text: 'marker' },
    ]);
    expect(new Set(lobbyGot.map(({ id }) => id)).size).toBe(lobbyGot.length);
    expect(lobbyGot[0].user).toEqual({ uname: user.uname, role: 'member' });
    const lateHistory = (lateReader.data.room.history as Sent[]).map(({ id, text }) => ({ id, text }));
    expect(lateHistory.length).toBeGreaterThan(lobbyBefore);
    const lateGot = lateReader.events('new_message').map(([, m]) => ({ id: (m as Sent).id, text: (m as Sent).text }));
    expect([...lateHistory, ...lateGot]).toEqual(lobbyGot.map(({ id, text }) => ({ id, text })));
    // The speaker itself heard each of its messages once, through the outage and the repair.
    expect(speaker.events('new_message').map(([, m]) => (m as Sent).text)).toEqual([
      ...lobbySent.map(({ text }) => text),
      'marker',
    ]);

    // Both chats' messages in id order: the repair delivered those of the outage sorted, the rest came live.
    const sellerGot = tab.of('message').map(({ data }) => data as Sent & { chatId: number; my?: true });
    expect(sellerGot.map(({ id, text }) => ({ id, text }))).toEqual([
      ...[...sellerSent, ...lateSent].sort((x, y) => x.id - y.id),
      { id: expect.any(Number), text: 'marker' },
    ]);
    const lateIds = new Set(lateSent.map(({ id }) => id));
    expect(sellerGot.every((m) => m.chatId === (lateIds.has(m.id) ? lateChatId : chatId) && !m.my)).toBe(true);
    // The new chat was announced once, before its first message.
    const chats = tab.frames.flatMap((frame, at) => (frame.command === 'chat' ? [{ ...frame, at }] : []));
    expect(chats.map(({ data }) => data)).toEqual([
      { id: chatId, chatter: 'Writer' },
      { id: lateChatId, chatter: 'Latecomer' },
    ]);
    expect(chats[1].at).toBeLessThan(tab.frames.findIndex((frame) => frame.data?.text === 'late 1'));
    // The writing client got its acks, and no copy of its own messages.
    expect(client.of('message').map(({ data }) => data.text)).toEqual([
      ...sellerSent.map(({ text }) => text),
      'marker',
    ]);

    // The stored messages are exactly those acknowledged.
    const stored = (await cluster.api.get(`/api/apps/${appId}/messages?limit=500`)).body as Sent[];
    expect(stored.map(({ id, text }) => ({ id, text }))).toEqual(lobbyGot.map(({ id, text }) => ({ id, text })));
    expect(caughtUpAfterMs).toBeLessThan(CAUGHT_UP_WITHIN_MS);
  });
});
