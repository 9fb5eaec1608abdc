import { Agent, request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { LobbyClient } from './support/lobby-client.js';
import { createSeller, SellerClient } from './support/seller-client.js';
import { uniqueUname } from './support/server.js';
import { useTestServer } from './support/suite.js';
import { until } from './support/until.js';

/** Limiters are in memory (per instance) until RateLimiterFactory is given a shared store: caps are tested on one. */
const PER_INSTANCE = { singleInstance: true };

/** Hostile clients connect from another loopback address, so a control client from 127.0.0.1 is not their IP. */
const HOSTILE = '127.0.0.2';

const hostile: { close(): void }[] = [];
afterEach(() => hostile.splice(0).forEach((client) => client.close()));

async function hostileSeller(url: string): Promise<SellerClient> {
  const client = await SellerClient.connect(url, '/seller', { localAddress: HOSTILE });
  hostile.push(client);
  return client;
}

async function hostileLobby(url: string): Promise<LobbyClient> {
  // engine.io-client hands `localAddress` to its WebSocket, though its option types do not list it.
  const client = await LobbyClient.connect(url, ['websocket'], { localAddress: HOSTILE } as object);
  hostile.push(client);
  return client;
}

/** Whether a connection attempt was admitted (it is kept open, to be closed after the test). */
const admitted = (attempt: Promise<unknown>): Promise<boolean> =>
  attempt.then(
    () => true,
    () => false,
  );

/** The HTTP status of a socket.io polling handshake from `localAddress`. */
function pollingHandshake(url: string, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const agent = new Agent({ localAddress });
    const req = httpRequest(`${url}/socket.io/?EIO=4&transport=polling`, { agent }, (res) => {
      res.resume();
      res.on('end', () => {
        agent.destroy();
        resolve(res.statusCode ?? 0);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The HTTP status a refused WebSocket upgrade was answered with. */
function refusedUpgrade(url: string, localAddress: string): Promise<number> {
  return SellerClient.connect(url, '/seller', { localAddress }).then(
    (client) => {
      client.close();
      throw new Error('the upgrade was accepted');
    },
    (error: Error) => Number(/Unexpected server response: (\d+)/.exec(error.message)?.[1]),
  );
}

describe('message rate limits', () => {
  const suite = useTestServer({
    LOBBY_RATE_MESSAGES: '3',
    LOBBY_RATE_WINDOW_MS: '60000',
    SELLER_RATE_MESSAGES: '2',
    SELLER_RATE_WINDOW_MS: '60000',
  });

  it('answers a lobby member past LOBBY_RATE_MESSAGES with a system_message, storing and broadcasting nothing', async () => {
    const appId = await suite.api.createApp();
    const flooder = await suite.api.createUser(uniqueUname('flooder'));
    const other = await suite.api.createUser(uniqueUname('other'));
    const sender = await suite.joinLobby(appId, flooder.hashedToken);
    const watcher = await suite.joinLobby(appId);
    const acks = await Promise.all(['1', '2', '3'].map((text) => sender.say(text)));
    expect(acks).toEqual([[], [], []]);
    const late = sender.emitTrackingAck('new_message', '4');
    expect(await sender.waitFor('system_message')).toEqual(['You are sending messages too fast']);
    await suite.sync(sender, watcher);
    expect(late.acked).toEqual([]);
    expect(watcher.events('new_message').map(([, m]) => (m as { text: string }).text)).toEqual(['1', '2', '3']);
    expect((await suite.api.get(`/api/apps/${appId}/messages`)).body.map((m: { text: string }) => m.text)).toEqual([
      '1',
      '2',
      '3',
    ]);

    const control = await suite.joinLobby(appId, other.hashedToken);
    expect(await control.say('fine')).toEqual([]);
  });

  it('answers a seller-chat user past SELLER_RATE_MESSAGES with RATE_LIMITED, storing nothing', async () => {
    const seller = await createSeller(suite.api, 'Rated');
    const tab = await suite.sellerClient();
    await tab.request('auth', { id: seller.id, token: seller.token });
    const client = await suite.sellerClient();
    const [auth] = await client.request('auth', { name: 'fast', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    for (const clientDate of [1, 2]) {
      const [ack] = await client.request('message', { text: `m${clientDate}`, clientDate, chatId });
      expect(ack.error).toBeUndefined();
    }
    const third = { text: 'm3', clientDate: 3, chatId };
    expect(await client.request('message', third)).toEqual([
      { command: 'message', data: third, error: 'RATE_LIMITED' },
    ]);
    expect((await suite.api.get(`/api/sellers/${seller.id}/chats/${chatId}/messages`)).body).toHaveLength(2);
    // The tab got the client's two messages (through the bus, from another instance under TEST_CLUSTER) before it
    // writes, so the next frame it reads is its own echo.
    expect((await tab.waitFor('message', 2)).map((frame) => frame.data.text)).toEqual(['m1', 'm2']);
    const [reply] = await tab.request('message', { text: 'seller still writes', clientDate: 9, chatId });
    expect(reply.data.text).toBe('seller still writes');
  });
});

describe('the per-address connection cap', () => {
  const suite = useTestServer({ MAX_SOCKETS_PER_IP: '2' }, PER_INSTANCE);

  it('refuses a third connection from one address on every transport, and frees the slot on close', async () => {
    const first = await hostileSeller(suite.server.url);
    const lobby = await hostileLobby(suite.server.url);
    expect(await refusedUpgrade(suite.server.url, HOSTILE)).toBe(429);
    expect(await pollingHandshake(suite.server.url, HOSTILE)).toBe(403);
    await expect(hostileLobby(suite.server.url)).rejects.toThrow();

    const control = await suite.sellerClient();
    expect(control.socket.readyState).toBe(control.socket.OPEN);
    first.close();
    await first.waitForClose();
    // The slot is given back once the server has handled the close, which no frame announces: retry, bounded.
    await until(() => admitted(hostileSeller(suite.server.url)), { what: "the closed connection's slot" });
    // A lobby session opened over WebSocket gives its slot back with its TCP connection.
    await expect(hostileLobby(suite.server.url)).rejects.toThrow();
    lobby.close();
    await until(() => admitted(hostileLobby(suite.server.url)), { what: "the closed lobby socket's slot" });
  });
});

describe('the per-user connection cap', () => {
  const suite = useTestServer({ MAX_SOCKETS_PER_USER: '2' }, PER_INSTANCE);

  it('refuses a user a third authenticated connection, in either protocol', async () => {
    const seller = await createSeller(suite.api, 'Popular');
    const tabs = [await suite.sellerClient(), await suite.sellerClient()];
    for (const tab of tabs)
      expect((await tab.request('auth', { id: seller.id, token: seller.token }))[0].command).toBe('auth');
    const extra = await suite.sellerClient();
    const signIn = { id: seller.id, token: seller.token };
    expect(await extra.request('auth', signIn)).toEqual([
      { command: 'auth', data: signIn, error: 'TOO_MANY_CONNECTIONS' },
    ]);
    tabs.forEach((tab) => tab.close());
    await Promise.all(tabs.map((tab) => tab.waitForClose()));
    let reply: unknown;
    await until(async () => !(reply = (await extra.request('auth', signIn))[0]).error, { what: "the tabs' slots" });
    expect(reply).toEqual({ command: 'auth', data: { name: 'Popular', chats: {} } });
    extra.close();

    const appId = await suite.api.createApp();
    const user = await suite.api.createUser(uniqueUname('many'));
    const sockets = [await suite.joinLobby(appId, user.hashedToken), await suite.joinLobby(appId, user.hashedToken)];
    const third = await suite.lobbyClient();
    third.emitTrackingAck('auth', { app_id: appId, hashed_token: user.hashedToken });
    expect(await third.waitFor('client_error')).toEqual(['too many connections for this user']);
    sockets.forEach((socket) => socket.close());
    let joined: Awaited<ReturnType<typeof suite.joinLobby>> | undefined;
    await until(async () => Boolean((joined = await suite.joinLobby(appId, user.hashedToken).catch(() => undefined))), {
      what: "the sockets' slots",
    });
    expect(joined!.data.user.uname).toBe(user.uname);
  });
});

describe('the total connection cap', () => {
  const suite = useTestServer({ MAX_SOCKETS_TOTAL: '2' }, PER_INSTANCE);

  it('answers 503 past MAX_SOCKETS_TOTAL and admits again once a connection closes', async () => {
    const first = await suite.sellerClient();
    await suite.lobbyClient();
    expect(await refusedUpgrade(suite.server.url, '127.0.0.1')).toBe(503);
    first.close();
    await first.waitForClose();
    let control: SellerClient | undefined;
    await until(async () => Boolean((control = await suite.sellerClient().catch(() => undefined))), {
      what: "the closed connection's place",
    });
    expect(control!.socket.readyState).toBe(control!.socket.OPEN);
  });
});

describe('auth limits per address', () => {
  const suite = useTestServer(
    { AUTH_FAILURES_PER_IP: '3', NAME_AUTHS_PER_IP: '2', AUTH_THROTTLE_DELAY_MS: '0' },
    PER_INSTANCE,
  );

  it('refuses unknown tokens from an address that used up its failures, but still accepts a right one', async () => {
    const seller = await createSeller(suite.api, 'Guarded');
    const guesser = await hostileSeller(suite.server.url);
    for (const token of ['a', 'b', 'c']) {
      expect((await guesser.request('auth', { id: seller.id, token }))[0].error).toBe('USER_NOT_FOUND');
    }
    const wrong = { id: seller.id, token: 'd' };
    expect(await guesser.request('auth', wrong)).toEqual([{ command: 'auth', data: wrong, error: 'RATE_LIMITED' }]);
    const right = { id: seller.id, token: seller.token };
    expect(await guesser.request('auth', right)).toEqual([{ command: 'auth', data: { name: 'Guarded', chats: {} } }]);

    const lobbyGuesser = await hostileLobby(suite.server.url);
    const appId = await suite.api.createApp();
    lobbyGuesser.emitTrackingAck('auth', { app_id: appId, hashed_token: 'f'.repeat(64) });
    expect(await lobbyGuesser.waitFor('client_error')).toEqual([
      'too many failed `auth` attempts from your address, try again later',
    ]);

    const control = await suite.sellerClient();
    expect(await control.request('auth', right)).toEqual([{ command: 'auth', data: { name: 'Guarded', chats: {} } }]);
  });

  it('caps name-auths (new clients) per address', async () => {
    const seller = await createSeller(suite.api, 'Welcoming');
    const creator = await hostileSeller(suite.server.url);
    for (const name of ['one', 'two']) {
      expect((await creator.request('auth', { name, sellerId: seller.id }, 2))[0].data.token).toEqual(
        expect.any(String),
      );
    }
    const third = { name: 'three', sellerId: seller.id };
    expect(await creator.request('auth', third)).toEqual([{ command: 'auth', data: third, error: 'RATE_LIMITED' }]);
    expect((await suite.api.get(`/api/sellers/${seller.id}/chats`)).body).toHaveLength(2);

    const control = await suite.sellerClient();
    expect((await control.request('auth', { name: 'control', sellerId: seller.id }, 2))[0].data.token).toEqual(
      expect.any(String),
    );
  });
});
