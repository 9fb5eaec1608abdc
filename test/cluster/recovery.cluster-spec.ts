import { describe, expect, it } from 'vitest';
import { useClusterProcesses } from '../support/cluster-processes.js';
import {
  DroppingLobbyReader,
  DroppingSellerReader,
  lobbySay,
  pause,
  PacedWriters,
  sellerSay,
} from '../support/dropping-readers.js';
import { LobbyClient } from '../support/lobby-client.js';
import { createSeller, SellerClient } from '../support/seller-client.js';
import { killed, type ServerProcess } from '../support/server-process.js';
import { uniqueUname } from '../support/server.js';
import { ROOMY_LIMITS } from '../support/testing-app.js';
import { until } from '../support/until.js';

const ONLINE_MS = 1000;
const OFFLINE_MS = 2000;
const RUN_MS = 30_000;
/** When, into the run, the reader's instance is stopped and another one started in its place. */
const RESTART_AT_MS = 12_000;

/**
 * test/recovery-drops.e2e-spec.ts across processes on PostgreSQL and Redis (docs/recovery.md): the writers on one
 * instance, the reader that drops for 2 s every 3 s on another, and that instance stopped and replaced by a new one
 * during the run. Every acknowledged message is seen exactly once, merged as the widgets merge.
 */
describe('a dropping reader on another instance than the writers, across a restart of its instance', () => {
  const cluster = useClusterProcesses(2, ROOMY_LIMITS);

  /** Runs `RUN_MS` with the reader's instance (instances[1]) replaced at RESTART_AT_MS; the reader follows it. */
  async function runWithRestart(stopWriting: () => Promise<void>): Promise<ServerProcess> {
    await pause(RESTART_AT_MS);
    const stopped = cluster.instances[1];
    await killed(stopped.child, 'SIGTERM');
    const replacement = await cluster.add();
    cluster.instances.splice(1, 1); // the replacement, added last, is the reader's instance now
    await pause(RUN_MS - RESTART_AT_MS);
    await stopWriting();
    return replacement;
  }

  it('in a lobby taking 200 messages/s', { timeout: 60_000 }, async () => {
    const appId = await cluster.api.createApp();
    const users = await Promise.all(Array.from({ length: 10 }, (_, i) => cluster.api.createUser(uniqueUname(`w${i}`))));
    const writers = await Promise.all(
      users.map((user) => LobbyClient.join(cluster.instances[0].url, appId, user.hashedToken)),
    );
    writers.forEach(cluster.track);
    const reader = new DroppingLobbyReader(() => cluster.instances[1].url, appId);
    cluster.track(reader);
    reader.start(ONLINE_MS, OFFLINE_MS);
    const writing = new PacedWriters(writers.map(lobbySay), 200);
    await runWithRestart(() => writing.stop());
    await reader.stop();

    expect(writing.refused).toEqual([]);
    expect(writing.acked.length).toBeGreaterThan(0.8 * 200 * (RUN_MS / 1000));
    await until(() => reader.shown.length >= writing.acked.length, { timeoutMs: 10_000 }).catch(() => {});
    const shown = reader.shown.map((message) => message.text);
    expect(new Set(shown).size).toBe(shown.length);
    expect([...shown].sort()).toEqual([...writing.acked].sort());
    const later = reader.reconnects.slice(1);
    expect(later.length).toBeGreaterThanOrEqual(7);
    for (const reconnect of later)
      expect(reconnect).toEqual({ since: expect.any(Number), recovered: true, messages: expect.any(Number) });
  });

  it('in a seller chat taking 50 messages/s', { timeout: 60_000 }, async () => {
    const seller = await createSeller(cluster.api, 'Busy shop');
    // The seller stays online on the writers' instance, so the client may write throughout.
    const online = await SellerClient.connect(cluster.instances[0].url);
    cluster.track(online);
    await online.request('auth', { id: seller.id, token: seller.token });
    const client = await SellerClient.connect(cluster.instances[0].url);
    cluster.track(client);
    const [auth] = await client.request('auth', { name: 'buyer', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const reader = new DroppingSellerReader(() => cluster.instances[1].url, seller);
    cluster.track(reader);
    reader.start(ONLINE_MS, OFFLINE_MS);
    const writing = new PacedWriters([sellerSay(client, chatId)], 50);
    await runWithRestart(() => writing.stop());
    await reader.stop();

    expect(writing.refused).toEqual([]);
    expect(writing.acked.length).toBeGreaterThan(0.8 * 50 * (RUN_MS / 1000));
    await until(() => reader.shown.length >= writing.acked.length, { timeoutMs: 10_000 }).catch(() => {});
    const shown = reader.shown.map((message) => message.text);
    expect(new Set(shown).size).toBe(shown.length);
    expect([...shown].sort()).toEqual([...writing.acked].sort());
    const later = reader.reconnects.filter((reconnect) => reconnect.since !== null);
    expect(later.length).toBeGreaterThanOrEqual(7);
    for (const reconnect of later) expect(reconnect.recovered).toBe(true);
  });
});
