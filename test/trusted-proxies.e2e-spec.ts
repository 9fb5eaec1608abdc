import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/app-config.js';
import { LobbyClient } from './support/lobby-client.js';
import { startNginx, type ReverseProxy } from './support/nginx.js';
import { createSeller, SellerClient } from './support/seller-client.js';
import { uniqueUname } from './support/server.js';
import { useTestServer } from './support/suite.js';

/** The shipped limits, not the roomy ones other tests run with: what a site behind a proxy gets. */
const defaults = loadConfig({});
const DEFAULT_LIMITS = {
  MAX_SOCKETS_PER_IP: String(defaults.limits.maxSocketsPerIp),
  MAX_SOCKETS_PER_USER: String(defaults.limits.maxSocketsPerUser),
  NAME_AUTHS_PER_IP: String(defaults.limits.nameAuthsPerIp),
  AUTH_FAILURES_PER_IP: String(defaults.limits.authFailuresPerIp),
  LOBBY_RATE_MESSAGES: String(defaults.lobby.rateMessages),
  LOBBY_PENDING_SESSIONS_PER_IP: String(defaults.lobby.pendingSessionsPerIp),
};

/** nginx reaches Chatgate from 127.0.0.1; people come from other loopback addresses, one each. */
const PROXY_ADDRESS = '127.0.0.1';
const person = (i: number) => `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;

const opened: { close(): void }[] = [];
afterEach(() => opened.splice(0).forEach((client) => client.close()));

function track<T extends { close(): void }>(client: T): T {
  opened.push(client);
  return client;
}

async function lobbyFrom(url: string, localAddress: string, headers: Record<string, string> = {}) {
  // engine.io-client hands `localAddress` to its WebSocket, though its option types do not list it.
  return track(await LobbyClient.connect(url, ['websocket'], { localAddress, extraHeaders: headers } as object));
}

async function sellerFrom(url: string, localAddress: string, headers: Record<string, string> = {}) {
  return track(await SellerClient.connect(url, '/seller', { localAddress, headers }));
}

/** The HTTP status a refused seller-chat upgrade was answered with. */
function refusal(attempt: Promise<SellerClient>): Promise<number> {
  return attempt.then(
    (client) => {
      track(client);
      throw new Error('the upgrade was accepted');
    },
    (error: Error) => Number(/Unexpected server response: (\d+)/.exec(error.message)?.[1]),
  );
}

/** Runs `count` tasks, `width` at a time, and returns their results in order. */
async function inBatches<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += width) {
    const batch = Array.from({ length: Math.min(width, count - start) }, (_, k) => task(start + k));
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

describe('behind nginx with TRUSTED_PROXIES, on the default limits', () => {
  // Per-address counters are per instance until they live in Redis: one instance, as behind a sticky proxy.
  const suite = useTestServer(
    { ...DEFAULT_LIMITS, TRUSTED_PROXIES: PROXY_ADDRESS, AUTH_THROTTLE_DELAY_MS: '100' },
    { singleInstance: true },
  );
  let proxy: ReverseProxy;
  beforeAll(async () => {
    proxy = await startNginx(suite.server.url);
  });
  afterAll(() => proxy?.close());

  it('accepts 300 lobby sockets and 300 seller-chat clients from 300 addresses', async () => {
    const appId = await suite.api.createApp();
    const seller = await createSeller(suite.api, 'Busy shop');
    const lobbyAuths = await inBatches(300, 50, async (i) => {
      const client = await lobbyFrom(proxy.url, person(i));
      const [error, welcome] = await client.auth({ app_id: appId });
      return error === null && Array.isArray((welcome as { room: { history: unknown[] } }).room.history);
    });
    expect(lobbyAuths.filter(Boolean)).toHaveLength(300);

    const tokens = await inBatches(300, 50, async (i) => {
      const client = await sellerFrom(proxy.url, person(i));
      const [auth] = await client.request('auth', { name: `visitor ${i}`, sellerId: seller.id }, 2);
      return auth.data.token as string;
    });
    expect(new Set(tokens).size).toBe(300);
    expect((await suite.api.get(`/api/sellers/${seller.id}/chats`)).body).toHaveLength(300);
  });

  it('still caps one address, whatever X-Forwarded-For it sends through the proxy or directly', async () => {
    const capped = person(400);
    const claimed = { 'x-forwarded-for': person(401) };
    await inBatches(defaults.limits.maxSocketsPerIp, 50, () => sellerFrom(proxy.url, capped));
    expect(await refusal(SellerClient.connect(proxy.url, '/seller', { localAddress: capped }))).toBe(429);
    // nginx appends the address it was reached from, so the claim stands left of it and is not believed.
    expect(await refusal(SellerClient.connect(proxy.url, '/seller', { localAddress: capped, headers: claimed }))).toBe(
      429,
    );
    await expect(lobbyFrom(proxy.url, capped, claimed)).rejects.toThrow();
    // Sent straight to Chatgate by a peer that is not a trusted proxy, the header changes nothing.
    expect(
      await refusal(SellerClient.connect(suite.server.url, '/seller', { localAddress: capped, headers: claimed })),
    ).toBe(429);
    // A trusted proxy naming the capped address is believed.
    const named = { 'x-forwarded-for': capped };
    expect(
      await refusal(SellerClient.connect(suite.server.url, '/seller', { localAddress: PROXY_ADDRESS, headers: named })),
    ).toBe(429);

    // The address it claimed, and everyone else, connect as usual.
    const claimedClient = await sellerFrom(proxy.url, person(401));
    const other = await lobbyFrom(proxy.url, person(402));
    expect([claimedClient.socket.readyState, other.socket.connected]).toEqual([claimedClient.socket.OPEN, true]);
  });

  it("accepts a guessing address's valid tokens while refusing its unknown ones", async () => {
    const guesser = person(500);
    const appId = await suite.api.createApp();
    const seller = await createSeller(suite.api, 'Guarded shop');
    const member = await suite.api.createUser(uniqueUname('member'));
    const sellerTab = await sellerFrom(proxy.url, guesser);
    for (let i = 0; i < 25; i += 1) {
      const [reply] = await sellerTab.request('auth', { id: seller.id, token: `wrong-${i}` });
      expect(reply.error).toBe(i < defaults.limits.authFailuresPerIp ? 'USER_NOT_FOUND' : 'RATE_LIMITED');
    }

    const lobbyTab = await lobbyFrom(proxy.url, guesser);
    const [[lobbyError, lobbyWelcome], [sellerReply]] = await Promise.all([
      lobbyTab.auth({ app_id: appId, hashed_token: member.hashedToken }),
      sellerTab.request('auth', { id: seller.id, token: seller.token }),
    ]);
    expect(lobbyError).toBeNull();
    expect((lobbyWelcome as { user: unknown }).user).toEqual({ id: member.id, uname: member.uname, role: 'member' });
    expect(sellerReply).toEqual({ command: 'auth', data: { name: 'Guarded shop', chats: {} } });

    const unknown = { id: seller.id, token: 'still-guessing' };
    const anotherTab = await sellerFrom(proxy.url, guesser);
    expect(await anotherTab.request('auth', unknown)).toEqual([
      { command: 'auth', data: unknown, error: 'RATE_LIMITED' },
    ]);
    const guessingReader = await lobbyFrom(proxy.url, guesser);
    guessingReader.emitTrackingAck('auth', { app_id: appId, hashed_token: 'e'.repeat(64) });
    expect(await guessingReader.waitFor('client_error')).toEqual([
      'too many failed `auth` attempts from your address, try again later',
    ]);

    // Another visitor behind the same proxy with an unknown token is an anonymous reader, as the protocol says.
    const neighbour = await lobbyFrom(proxy.url, person(501));
    const [neighbourError, neighbourWelcome] = await neighbour.auth({ app_id: appId, hashed_token: 'e'.repeat(64) });
    expect(neighbourError).toBeNull();
    expect(neighbourWelcome).not.toHaveProperty('user');
  });
});

describe('staff message rates', () => {
  const suite = useTestServer(DEFAULT_LIMITS);

  it("answers all of a mod's 10 commands within 2 s, while a member's sixth message in 5 s is refused", async () => {
    const mod = await suite.api.createUser(uniqueUname('mod'), 'mod');
    const member = await suite.api.createUser(uniqueUname('member'));
    const appId = await suite.api.createApp();
    const modTab = await suite.joinLobby(appId, mod.hashedToken);
    const memberTab = await suite.joinLobby(appId, member.hashedToken);

    const targets = Array.from({ length: 10 }, (_, i) => uniqueUname(`spammer${i}`));
    targets.forEach((uname) => modTab.socket.emit('new_message', `/mute ${uname} 1`));
    expect(await modTab.waitFor('system_message', 10)).toEqual(
      targets.map((uname) => `User "${uname}" muted for 1 minutes`),
    );

    const acks = await Promise.all(['1', '2', '3', '4', '5'].map((text) => memberTab.say(text)));
    expect(acks).toEqual([[], [], [], [], []]);
    const sixth = memberTab.emitTrackingAck('new_message', '6');
    expect(await memberTab.waitFor('system_message')).toEqual(['You are sending messages too fast']);
    // The mod's next message is a marker: it reaches the member after anything the sixth could have caused.
    expect(await modTab.say('marker')).toEqual([]);
    await memberTab.waitFor('new_message', 6);
    expect(sixth.acked).toEqual([]);
    expect(memberTab.events('new_message').map(([, message]) => (message as { text: string }).text)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      'marker',
    ]);
  });
});
