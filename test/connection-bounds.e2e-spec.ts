import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { LobbyClient } from './support/lobby-client.js';
import { createSeller, SellerClient } from './support/seller-client.js';
import { uniqueUname } from './support/server.js';
import { startSimulatedCluster } from './support/simulated-cluster.js';
import { syncClients, useTestServer } from './support/suite.js';

describe('per-connection bounds of the realtime core', () => {
  const suite = useTestServer({ CONNECTION_QUEUE_MAX: '2', SELLER_PING_INTERVAL_MS: '150' });

  it('closes a seller-chat connection with 1008 when more requests wait than CONNECTION_QUEUE_MAX', async () => {
    const seller = await createSeller(suite.api, 'Flooded');
    const tab = await suite.sellerClient();
    // Three frames in one TCP write arrive together, so the third finds two waiting.
    const frame = JSON.stringify({ command: 'auth', data: { id: seller.id, token: seller.token } });
    (tab.socket as unknown as { _socket: Socket })._socket.write(
      Buffer.concat([1, 2, 3].map(() => maskedTextFrame(frame))),
    );
    expect(await tab.waitForClose()).toBe(1008);
    const control = await suite.sellerClient();
    const [auth] = await control.request('auth', { id: seller.id, token: seller.token });
    expect(auth).toEqual({ command: 'auth', data: { name: 'Flooded', chats: {} } });
  });

  it('disconnects a lobby socket with more messages in flight than CONNECTION_QUEUE_MAX', async () => {
    const appId = await suite.api.createApp();
    const user = await suite.api.createUser(uniqueUname('flood'));
    const flooder = await suite.joinLobby(appId, user.hashedToken);
    const reason = new Promise((resolve) => flooder.socket.once('disconnect', resolve));
    for (let i = 0; i < 10; i++) flooder.socket.emit('new_message', `m${i}`, () => undefined);
    expect(await reason).toBe('io server disconnect');
    const control = await suite.joinLobby(appId, user.hashedToken);
    expect(await control.say('still here')).toEqual([]);
  });

  it('does not let unsolicited pongs keep a peer that never answers pings', async () => {
    const seller = await createSeller(suite.api, 'Pongs');
    const sellerTab = await suite.sellerClient();
    await sellerTab.request('auth', { id: seller.id, token: seller.token });
    const liar = await suite.sellerClient('/seller', { autoPong: false });
    const [auth] = await liar.request('auth', { name: 'liar', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const pongs = setInterval(() => liar.socket.pong(Buffer.from('not yours')), 20);
    try {
      expect(await liar.waitForClose()).toBe(1006);
    } finally {
      clearInterval(pongs);
    }
    expect(await sellerTab.waitFor('status', 2)).toEqual([
      { command: 'status', data: { chatId, status: true } },
      { command: 'status', data: { chatId, status: false } },
    ]);
  });
});

describe('the seller chat heartbeat', () => {
  // 10 slices of 100 ms; one instance, whose heartbeat the test watches.
  const suite = useTestServer({ SELLER_PING_INTERVAL_MS: '1000' }, { singleInstance: true });

  it('spreads a round of pings over the interval instead of pinging every connection at once', async () => {
    const clients = await Promise.all([...Array(10)].map(() => suite.sellerClient()));
    const pings = await Promise.all(
      clients.map(
        (client) =>
          new Promise<number[]>((resolve) => {
            const times: number[] = [];
            client.socket.on('ping', () => {
              if (times.push(Date.now()) === 2) resolve(times);
            });
          }),
      ),
    );
    const firstPings = pings.map(([first]) => first).sort((a, b) => a - b);
    // All at once would put them within a few milliseconds of each other; dealt into 10 slices they span ~900 ms.
    expect(firstPings[9] - firstPings[0]).toBeGreaterThanOrEqual(500);
    // A second ping, not a close, followed each first one: each pong was counted against its own slice's payload.
    expect(clients.map((client) => client.closeCode)).toEqual(Array(10).fill(null));
  });
});

describe('an instance shutting down', () => {
  it('takes its members out of presence first, announced on the instances that stay', async () => {
    const cluster = await startSimulatedCluster();
    const [a, b] = cluster.instances;
    const clients: { close(): void }[] = [];
    try {
      const appId = await cluster.api.createApp();
      const user = await cluster.api.createUser(uniqueUname('leaver'));
      const seller = await createSeller(cluster.api, 'Leaving');
      const watcher = await LobbyClient.connect(a.url);
      clients.push(watcher);
      await watcher.auth({ app_id: appId });
      const leaver = await LobbyClient.connect(b.url);
      clients.push(leaver);
      await leaver.auth({ app_id: appId, hashed_token: user.hashedToken });
      const client = await SellerClient.connect(a.url);
      clients.push(client);
      const [auth] = await client.request('auth', { name: 'stays', sellerId: seller.id }, 2);
      const chatId = Number(Object.keys(auth.data.chats)[0]);
      const tab = await SellerClient.connect(b.url);
      clients.push(tab);
      await tab.request('auth', { id: seller.id, token: seller.token });
      await client.waitFor('status', 2);

      const tabClosed = tab.waitForClose();
      await b.close();
      expect(await tabClosed).toBe(1001);
      expect(await watcher.waitFor('user_left')).toEqual([{ id: user.id, uname: user.uname, role: 'member' }]);
      expect(await client.waitFor('status', 3)).toEqual([
        { command: 'status', data: { chatId, status: false } },
        { command: 'status', data: { chatId, status: true } },
        { command: 'status', data: { chatId, status: false } },
      ]);
      await syncClients(cluster, watcher);
      expect(watcher.events('user_left')).toHaveLength(1);
    } finally {
      clients.forEach((c) => c.close());
      await cluster.close();
    }
  });
});

/** A client-to-server text frame as RFC 6455 lays it out (payloads up to 125 bytes), to write several at once. */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error('maskedTextFrame: payload too long for a 7-bit length');
  const mask = Buffer.from([1, 2, 3, 4]);
  return Buffer.concat([
    Buffer.from([0x81, 0x80 | payload.length]),
    mask,
    payload.map((byte, i) => byte ^ mask[i % 4]),
  ]);
}
