import { connect, type Socket as TcpSocket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { LobbyClient } from './support/lobby-client.js';
import { createSeller, SellerClient } from './support/seller-client.js';
import { uniqueUname } from './support/server.js';
import { useTestServer } from './support/suite.js';
import { until } from './support/until.js';

/** The TCP socket under a seller-chat client or a socket.io client on the websocket transport. */
function tcpOf(client: SellerClient | LobbyClient): TcpSocket {
  if (client instanceof SellerClient) return (client.socket as unknown as { _socket: TcpSocket })._socket;
  return (client.socket.io.engine.transport as unknown as { ws: { _socket: TcpSocket } }).ws._socket;
}

const BIG = 'x'.repeat(9000);

describe('peers that stop reading', () => {
  const suite = useTestServer({
    OUTGOING_BUFFER_MAX_BYTES: String(64 * 1024),
    LOBBY_MESSAGE_MAX: '10000',
    SELLER_MESSAGE_MAX: '10000',
    AUTH_DEADLINE_MS: '300',
    LOBBY_HISTORY_SIZE: '3',
    SELLER_AUTH_MESSAGES_PER_CHAT: '1',
  });

  it('drops a seller-chat connection that stopped reading, takes it offline, and keeps serving', async () => {
    const seller = await createSeller(suite.api, 'Stalled');
    const tab = await suite.sellerClient();
    await tab.request('auth', { id: seller.id, token: seller.token });
    // Several writers, so their messages share commits: the stalled tab's queue grows faster.
    const writers: { client: SellerClient; chatId: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const client = await suite.sellerClient();
      const [auth] = await client.request('auth', { name: `writer ${i}`, sellerId: seller.id }, 2);
      writers.push({ client, chatId: Number(Object.keys(auth.data.chats)[0]) });
    }
    const [first] = writers;
    tcpOf(tab).pause();

    // Bounded: well past the kernel's loopback buffers plus the bound, and stops once the seller is gone.
    const offline = () => first.client.of('status').length >= 2;
    for (let batch = 0; batch < 60 && !offline(); batch++) {
      await Promise.all(
        writers.map(async ({ client, chatId }) => {
          const before = client.frames.length;
          for (let i = 0; i < 10; i++) client.send('message', { text: BIG, clientDate: batch * 100 + i + 1, chatId });
          await until(() => client.frames.length >= before + 10 || offline(), { timeoutMs: 5000 });
        }),
      );
    }
    expect(first.client.of('status')).toEqual([
      { command: 'status', data: { chatId: first.chatId, status: true } },
      { command: 'status', data: { chatId: first.chatId, status: false } },
    ]);

    const control = await suite.sellerClient();
    const [reply] = await control.request('auth', { id: seller.id, token: seller.token });
    expect(Object.keys(reply.data.chats).map(Number)).toEqual(writers.map((w) => w.chatId));
    expect((await first.client.waitFor('status', 3))[2]).toEqual({
      command: 'status',
      data: { chatId: first.chatId, status: true },
    });
  });

  it('drops a lobby socket that stopped reading, announces it gone, and keeps serving', async () => {
    const appId = await suite.api.createApp();
    const reader = await suite.api.createUser(uniqueUname('stalled'));
    const poster = await suite.api.createUser(uniqueUname('poster'));
    const stalled = await suite.joinLobby(appId, reader.hashedToken);
    const talker = await suite.joinLobby(appId, poster.hashedToken);
    // Several senders, so their messages share commits: the stalled socket's queue grows faster.
    const others = await Promise.all([1, 2, 3, 4].map(() => suite.joinLobby(appId, poster.hashedToken)));
    tcpOf(stalled).pause();

    for (let batch = 0; batch < 60 && talker.events('user_left').length === 0; batch++) {
      await Promise.all([talker, ...others].flatMap((sender) => Array.from({ length: 10 }, () => sender.say(BIG))));
    }
    expect(await talker.waitFor('user_left')).toEqual([{ id: reader.id, uname: reader.uname, role: 'member' }]);

    const control = await suite.joinLobby(appId, reader.hashedToken);
    expect(control.data.room.users[reader.uname]).toEqual({ id: reader.id, uname: reader.uname, role: 'member' });
    expect(await control.say('back')).toEqual([]);
  });

  it('closes a lobby session that sends a pong no ping asked for (it would postpone pings for ever)', async () => {
    const appId = await suite.api.createApp();
    const liar = await suite.joinLobby(appId);
    const reason = new Promise((resolve) => liar.socket.once('disconnect', resolve));
    (liar.socket.io.engine as unknown as { _sendPacket(type: string): void })._sendPacket('pong');
    expect(await reason).toBe('transport close');
    const control = await suite.joinLobby(appId);
    expect(control.data.room.users).toEqual({});
  });

  it('closes sockets that do not authenticate within AUTH_DEADLINE_MS, and keeps the ones that did', async () => {
    const seller = await createSeller(suite.api, 'Deadline');
    const silentTab = await suite.sellerClient();
    const signedIn = await suite.sellerClient();
    await signedIn.request('auth', { id: seller.id, token: seller.token });
    expect(await silentTab.waitForClose()).toBe(1008);

    const appId = await suite.api.createApp();
    const silent = await suite.lobbyClient();
    const reader = await suite.joinLobby(appId);
    const reason = await new Promise((resolve) => silent.socket.once('disconnect', resolve));
    expect(reason).toBe('io server disconnect');

    expect(reader.socket.connected).toBe(true);
    expect(await reader.say('anonymous')).toEqual(['USER_REQUIRED']);
    const [again] = await signedIn.request('auth', { id: seller.id, token: seller.token });
    expect(again).toEqual({ command: 'auth', data: { name: 'Deadline', chats: {} } });
  });
});

describe('slow and idle HTTP clients', () => {
  // The app's own HTTP server, not a cluster's front proxy.
  const suite = useTestServer(
    { HTTP_HEADERS_TIMEOUT_MS: '300', HTTP_REQUEST_TIMEOUT_MS: '300', HTTP_KEEP_ALIVE_TIMEOUT_MS: '300' },
    { singleInstance: true },
  );

  it('answers a request whose headers never finish 408 and closes it', async () => {
    const { port } = new URL(suite.server.url);
    const slow = connect(Number(port), '127.0.0.1');
    const received: Buffer[] = [];
    slow.on('data', (chunk) => received.push(chunk));
    slow.write('GET /docs-json HTTP/1.1\r\nHost: x\r\n');
    await new Promise((resolve) => slow.once('close', resolve));
    expect(Buffer.concat(received).toString()).toMatch(/^HTTP\/1\.1 408 /);
    expect((await suite.api.get('/api/apps')).status).toBe(200);
  });

  it('closes an idle keep-alive connection', async () => {
    const { port } = new URL(suite.server.url);
    const idle = connect(Number(port), '127.0.0.1');
    const received: Buffer[] = [];
    idle.on('data', (chunk) => received.push(chunk));
    idle.write('GET /docs-json HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    await new Promise((resolve) => idle.once('close', resolve));
    expect(Buffer.concat(received).toString()).toMatch(/^HTTP\/1\.1 200 /);
    expect((await suite.api.get('/api/apps')).status).toBe(200);
  });
});
