import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LobbyClient } from './support/lobby-client.js';
import { createSeller, SellerClient } from './support/seller-client.js';
import { type TestServer, uniqueUname } from './support/server.js';
import { useTestServer } from './support/suite.js';
import { startTestingApp } from './support/testing-app.js';
import { until } from './support/until.js';

describe('health and metrics over HTTP', () => {
  // Metrics are per instance: this reads one instance's while its sockets talk to it.
  const suite = useTestServer({}, { singleInstance: true });

  it('answers liveness and readiness with the database checked', async () => {
    expect(await suite.api.as(null).get('/health/live')).toEqual({
      status: 200,
      body: { status: 'ok', info: {}, error: {}, details: {} },
    });
    const ready = await suite.api.as(null).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { lifecycle: { status: 'up' }, database: { status: 'up' }, storage: { status: 'up' } },
      error: {},
    });
  });

  it('moves the message, delivery and connection metrics as chats happen', async () => {
    const appId = await suite.api.createApp();
    const user = await suite.api.createUser(uniqueUname('metered'));
    const before = await scrape(suite.server.url);
    const speaker = await suite.joinLobby(appId, user.hashedToken);
    const reader = await suite.joinLobby(appId);
    await speaker.say('one');
    await speaker.say('two');
    await reader.waitFor('new_message', 2);

    const seller = await createSeller(suite.api, 'Metered');
    const tab = await suite.sellerClient();
    await tab.request('auth', { id: seller.id, token: seller.token });
    const client = await suite.sellerClient();
    const [auth] = await client.request('auth', { name: 'Counted', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    await client.request('message', { text: 'hi', clientDate: 1, chatId });
    await tab.waitFor('message');
    const wrong = await suite.sellerClient();
    await wrong.request('auth', { id: seller.id, token: 'not-the-token' });

    const after = await scrape(suite.server.url);
    const delta = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    expect(delta('chatgate_messages_stored_total{protocol="lobby"}')).toBe(2);
    expect(delta('chatgate_messages_delivered_total{protocol="lobby"}')).toBe(4);
    expect(delta('chatgate_messages_stored_total{protocol="seller"}')).toBe(1);
    expect(delta('chatgate_messages_delivered_total{protocol="seller"}')).toBe(1);
    expect(delta('chatgate_auth_failures_total{protocol="seller",reason="USER_NOT_FOUND"}')).toBe(1);
    expect(after.get(`chatgate_lobby_members{app="${appId}"}`)).toBe(1);
    expect(after.get('chatgate_connections{protocol="seller"}')).toBe(3);
    expect(after.get('chatgate_connections{protocol="lobby"}')).toBe(2);
    expect(after.get('chatgate_sellers_online')).toBe(1);
    expect(delta('chatgate_group_commit_batch_size_count')).toBe(3);
    expect(after.has('chatgate_nodejs_eventloop_lag_seconds')).toBe(true);
  });
});

describe('/metrics behind METRICS_TOKEN, and readiness on shutdown', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestingApp({ env: { METRICS_TOKEN: 'metrics-secret-123', SHUTDOWN_DRAIN_MS: '1500' } });
  });
  afterAll(() => server.close());

  it('refuses a scrape without the token and serves one with it', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const scraped = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer metrics-secret-123' } });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('turns readiness false first, while still serving, then closes sockets', async () => {
    const lobby = await LobbyClient.connect(server.url);
    const seller = await SellerClient.connect(server.url);
    const closing = server.close();
    await until(async () => (await fetch(`${server.url}/health/ready`)).status === 503, { what: 'readiness 503' });
    const body = (await (await fetch(`${server.url}/health/ready`)).json()) as { error: unknown };
    expect(body.error).toEqual({ lifecycle: { status: 'down', message: 'shutting down' } });
    expect(seller.closeCode).toBeNull();
    expect(lobby.socket.connected).toBe(true);
    await closing;
    expect(await seller.waitForClose()).toBe(1001);
  });
});

async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([^#\s][^\s]*) ([^\s]+)$/.exec(line);
    if (match) samples.set(match[1], Number(match[2]));
  }
  return samples;
}
