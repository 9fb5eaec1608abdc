import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DroppingLobbyReader,
  DroppingSellerReader,
  lobbySay,
  PacedWriters,
  sellerSay,
} from './support/dropping-readers.js';
import { LobbyClient } from './support/lobby-client.js';
import { createSeller, SellerClient } from './support/seller-client.js';
import { type TestServer, uniqueUname } from './support/server.js';
import { startTestingApp } from './support/testing-app.js';
import { until } from './support/until.js';

/** The measure: online 1 s, away 2 s, for 30 s; the widget's merge (transcript.js, run as is). */
const ONLINE_MS = 1000;
const OFFLINE_MS = 2000;
const RUN_MS = 30_000;

/**
 * A reader whose network drops for 2 s every 3 s while messages flow, merging every auth reply and push as the
 * project's widgets do (test/support/dropping-readers.ts): it must see every acknowledged message exactly once.
 * One instance here; test/cluster/recovery.cluster-spec.ts runs the same across instances and a restart.
 */
describe('a reader that keeps dropping its connection sees every acknowledged message once', () => {
  let server: TestServer;
  const open: { close(): void }[] = [];
  beforeAll(async () => {
    server = await startTestingApp();
  });
  afterAll(async () => {
    open.forEach((client) => client.close());
    await server.close();
  });

  it('in a lobby taking 200 messages/s', { timeout: 60_000 }, async () => {
    const appId = await server.api.createApp();
    const users = await Promise.all(Array.from({ length: 10 }, (_, i) => server.api.createUser(uniqueUname(`w${i}`))));
    const writers = await Promise.all(users.map((user) => LobbyClient.join(server.url, appId, user.hashedToken)));
    open.push(...writers);
    const reader = new DroppingLobbyReader(() => server.url, appId);
    open.push(reader);
    reader.start(ONLINE_MS, OFFLINE_MS);
    const writing = new PacedWriters(writers.map(lobbySay), 200);
    await new Promise((resolve) => setTimeout(resolve, RUN_MS));
    await writing.stop();
    await reader.stop();

    expect(writing.refused).toEqual([]);
    expect(writing.acked.length).toBeGreaterThan(0.9 * 200 * (RUN_MS / 1000));
    // What the last connection is still being sent; if some never come, the comparison below names them.
    await until(() => reader.shown.length >= writing.acked.length).catch(() => {});
    const shown = reader.shown.map((message) => message.text);
    expect(new Set(shown).size).toBe(shown.length);
    expect([...shown].sort()).toEqual([...writing.acked].sort());
    // Every reconnect after the first asked with `since` and got all it missed.
    const [first, ...later] = reader.reconnects;
    expect(first).toEqual({ since: null, recovered: undefined, messages: expect.any(Number) });
    expect(later.length).toBeGreaterThanOrEqual(9);
    for (const reconnect of later)
      expect(reconnect).toEqual({ since: expect.any(Number), recovered: true, messages: expect.any(Number) });
  });

  it('in a seller chat taking 50 messages/s', { timeout: 60_000 }, async () => {
    const seller = await createSeller(server.api, 'Busy shop');
    const online = await SellerClient.connect(server.url); // keeps the seller online, so the client may write
    open.push(online);
    await online.request('auth', { id: seller.id, token: seller.token });
    const client = await SellerClient.connect(server.url);
    open.push(client);
    const [auth] = await client.request('auth', { name: 'buyer', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const reader = new DroppingSellerReader(() => server.url, seller);
    open.push(reader);
    reader.start(ONLINE_MS, OFFLINE_MS);
    const writing = new PacedWriters([sellerSay(client, chatId)], 50);
    await new Promise((resolve) => setTimeout(resolve, RUN_MS));
    await writing.stop();
    await reader.stop();

    expect(writing.refused).toEqual([]);
    expect(writing.acked.length).toBeGreaterThan(0.9 * 50 * (RUN_MS / 1000));
    // What the last connection is still being sent; if some never come, the comparison below names them.
    await until(() => reader.shown.length >= writing.acked.length).catch(() => {});
    const shown = reader.shown.map((message) => message.text);
    expect(new Set(shown).size).toBe(shown.length);
    expect([...shown].sort()).toEqual([...writing.acked].sort());
    const later = reader.reconnects.filter((reconnect) => reconnect.since !== null);
    expect(later.length).toBeGreaterThanOrEqual(9);
    for (const reconnect of later) expect(reconnect.recovered).toBe(true);
  });
});
