import { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { LobbyClient } from './support/lobby-client.js';
import { createSeller, SellerClient } from './support/seller-client.js';
import { startServer } from './support/server.js';
import { useTestServer } from './support/suite.js';
import { until } from './support/until.js';

describe('seller chat connections: status, dead peers, limits, garbage', () => {
  const suite = useTestServer({ SELLER_PING_INTERVAL_MS: '150', SELLER_MAX_FRAME_BYTES: '1024' });
  const connect = (options = {}) => suite.sellerClient('/seller', options);

  it('pushes status only on a user’s first connection and after its last one closes', async () => {
    const seller = await createSeller(suite.api, 'Status');
    const client = await connect();
    const [auth] = await client.request('auth', { name: 'watcher', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    // The client's arrival, announced before its auth reply, has crossed the bus before the seller's first tab opens.
    await suite.sync(client);
    const tab1 = await connect();
    expect(await tab1.request('auth', { id: seller.id, token: seller.token })).toHaveLength(1);
    // Told the seller came before its other tab opens and both close: pushes from two instances keep no common order.
    await client.waitFor('status', 2);
    const tab2 = await connect();
    await tab2.request('auth', { id: seller.id, token: seller.token });
    // A status pushed for the close that was not the last would be published before the last one's, so the marker
    // below finds it whichever close the server handles first.
    tab1.close();
    await tab1.waitForClose();
    tab2.close();
    await client.waitFor('status', 3);
    await suite.sync(client);
    expect(client.of('status')).toEqual([
      { command: 'status', data: { chatId, status: false } },
      { command: 'status', data: { chatId, status: true } },
      { command: 'status', data: { chatId, status: false } },
    ]);
    expect(tab1.of('status')).toEqual([]);
  });

  it('terminates a peer that stops answering pings, and takes it offline', async () => {
    const seller = await createSeller(suite.api, 'Pinger');
    const sellerTab = await connect();
    await sellerTab.request('auth', { id: seller.id, token: seller.token });
    const silent = await connect({ autoPong: false });
    const [auth] = await silent.request('auth', { name: 'ghost', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const lively = await connect();
    await lively.request('auth', { token: auth.data.token, sellerId: seller.id }, 2);
    expect(await silent.waitForClose()).toBe(1006);
    // The server pings a connection again only after finding its previous ping answered: a second ping reaching the
    // lively connection means the heartbeat checked it and kept it.
    let pings = 0;
    lively.socket.on('ping', () => pings++);
    await until(() => pings >= 2, { what: 'two heartbeat pings on the lively connection' });
    expect(lively.closeCode).toBeNull();
    lively.close();
    await sellerTab.waitFor('status', 2);
    expect(sellerTab.frames.slice(1)).toEqual([
      { command: 'chat', data: { id: chatId, chatter: 'ghost' } },
      { command: 'status', data: { chatId, status: true } },
      { command: 'status', data: { chatId, status: false } },
    ]);
  });

  it('closes a connection that sends a frame over the size limit', async () => {
    const client = await connect();
    client.send('message', { text: 'x'.repeat(2000), clientDate: 1, chatId: 1 });
    expect(await client.waitForClose()).toBe(1009);
  });

  it('ignores garbage and keeps the connection usable, with the data untouched', async () => {
    const seller = await createSeller(suite.api, 'Sturdy');
    const sellerTab = await connect();
    await sellerTab.request('auth', { id: seller.id, token: seller.token });
    const client = await connect();
    const [auth] = await client.request('auth', { name: 'prober', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const count = async () => (await suite.server.app.get(DataSource).query('SELECT COUNT(*) AS n FROM messages'))[0].n;
    const messagesBefore = Number(await count());

    for (const garbage of [
      'not json',
      '[1,2]',
      'null',
      '42',
      '"auth"',
      '{"command":5}',
      '{"data":{}}',
      '{"command":"explode"}',
      '{"command":"__proto__"}',
      '{"command":"toString"}',
    ]) {
      client.socket.send(garbage);
    }
    client.socket.send(
      Buffer.from(JSON.stringify({ command: 'message', data: { text: 'bin', clientDate: 1, chatId } })),
      { binary: true },
    );
    client.send('message', { text: ['not', 'a', 'string'], clientDate: 1, chatId });
    client.send('message', { text: 'x', clientDate: { nested: true }, chatId: { id: chatId } });
    client.send('auth', [1, 2]);
    await client.waitFor('message', 2);
    await client.waitFor('auth', 2);
    await suite.sync(client, sellerTab);
    expect(client.frames.slice(2)).toEqual([
      { command: 'message', data: { text: ['not', 'a', 'string'], clientDate: 1, chatId }, error: 'TEXT_IS_REQUIRED' },
      {
        command: 'message',
        data: { text: 'x', clientDate: { nested: true }, chatId: { id: chatId } },
        error: 'CHAT_NOT_FOUND',
      },
      { command: 'auth', data: [1, 2], error: 'USER_NOT_FOUND' },
    ]);
    expect(Number(await count())).toBe(messagesBefore);
    expect(client.closeCode).toBeNull();
    expect(sellerTab.of('message')).toEqual([]);
  });
});

describe('both protocols on one port', () => {
  it('serves socket.io over the websocket transport beside the seller chat, at a configured path', async () => {
    const server = await startServer({ SELLER_WS_PATH: '/chat/ws' });
    try {
      const appId = await server.api.createApp();
      const lobby = await LobbyClient.connect(server.url, ['polling', 'websocket']);
      const engine = lobby.socket.io.engine;
      if (engine.transport.name !== 'websocket')
        await new Promise<void>((resolve) => engine.once('upgrade', () => resolve()));
      expect(lobby.socket.io.engine.transport.name).toBe('websocket');
      const wsOnly = await LobbyClient.connect(server.url, ['websocket']);
      expect(await wsOnly.auth({ app_id: appId })).toEqual([
        null,
        { room: { users: {}, history: [], muteList: {}, slowMode: 0 } },
      ]);

      const seller = await createSeller(server.api, 'Both');
      const sellerTab = await SellerClient.connect(server.url, '/chat/ws');
      expect(await sellerTab.request('auth', { id: seller.id, token: seller.token })).toEqual([
        { command: 'auth', data: { name: 'Both', chats: {} } },
      ]);
      await expect(SellerClient.connect(server.url, '/seller')).rejects.toThrow();
      await expect(SellerClient.connect(server.url, '/elsewhere')).rejects.toThrow();

      const user = await server.api.createUser('both_user');
      await wsOnly.socket.disconnect();
      const writer = await LobbyClient.connect(server.url, ['websocket']);
      await writer.auth({ app_id: appId, hashed_token: user.hashedToken });
      expect(await writer.say('lobby still works')).toEqual([]);
      lobby.close();
      writer.close();
      sellerTab.close();
    } finally {
      await server.close();
    }
  });
});
