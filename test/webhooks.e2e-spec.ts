import { DataSource } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { createSeller } from './support/seller-client.js';
import { uniqueUname } from './support/server.js';
import { useTestServer } from './support/suite.js';
import { QUICK_WEBHOOKS, WebhookReceiver } from './support/webhook-receiver.js';

describe('webhooks (docs/webhooks.md)', () => {
  const suite = useTestServer(QUICK_WEBHOOKS);
  const receivers: WebhookReceiver[] = [];
  const receiver = async () => {
    const started = await WebhookReceiver.start();
    receivers.push(started);
    return started;
  };
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    for (const hook of (await suite.api.get('/api/webhooks')).body) await suite.api.delete(`/api/webhooks/${hook.id}`);
  });

  async function subscribe(url: string, body: Record<string, unknown> = {}) {
    const res = await suite.api.post('/api/webhooks', { url, ...body });
    expect(res.status).toBe(201);
    return res.body as { id: number; secret: string };
  }

  /** A seller online with a client in one chat. */
  async function sellerChat() {
    const seller = await createSeller(suite.api, 'Hooked shop');
    const tab = await suite.sellerClient();
    await tab.request('auth', { id: seller.id, token: seller.token });
    const client = await suite.sellerClient();
    const [auth] = await client.request('auth', { name: 'buyer', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const clientId = (await suite.api.get(`/api/sellers/${seller.id}/chats`)).body[0].client.id as number;
    return { seller, tab, client, chatId, clientId };
  }

  it('creates an endpoint with a secret shown once, lists it without, and deletes it', async () => {
    const created = await suite.api.post('/api/webhooks', {
      url: 'http://127.0.0.1:9/hooks',
      events: ['seller.message.created'],
      sellerId: 5,
    });
    const view = {
      id: expect.any(Number),
      url: 'http://127.0.0.1:9/hooks',
      events: ['seller.message.created'],
      appId: null,
      sellerId: 5,
    };
    expect(created).toEqual({
      status: 201,
      body: { ...view, secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{32}$/) },
    });
    expect(await suite.api.get(`/api/webhooks/${created.body.id}`)).toEqual({ status: 200, body: view });
    expect((await suite.api.get('/api/webhooks')).body).toEqual([view]);
    expect((await suite.api.delete(`/api/webhooks/${created.body.id}`)).status).toBe(204);
    expect((await suite.api.get(`/api/webhooks/${created.body.id}`)).status).toBe(404);
    expect((await suite.api.delete(`/api/webhooks/${created.body.id}`)).status).toBe(404);
  });

  it.each([
    [{}],
    [{ url: 'ftp://127.0.0.1/x' }],
    [{ url: 'not a url' }],
    [{ url: 'http://127.0.0.1/x', events: ['lobby.everything'] }],
    [{ url: 'http://127.0.0.1/x', appId: 0 }],
    [{ url: 'http://127.0.0.1/x', sellerId: null }],
  ])('rejects the endpoint %j with 400', async (body) => {
    expect((await suite.api.post('/api/webhooks', body)).status).toBe(400);
  });

  it('delivers a lobby message and a seller message, signed so that standardwebhooks verifies them', async () => {
    const site = await receiver();
    const { secret } = await subscribe(site.url);
    const appId = await suite.api.createApp();
    const user = await suite.api.createUser(uniqueUname('hooked'));
    const speaker = await suite.joinLobby(appId, user.hashedToken);
    await speaker.say('hello hooks');
    const [lobby] = await site.waitFor(1);
    const lobbyEvent = WebhookReceiver.verify(secret, lobby);
    const message = (await suite.api.get(`/api/apps/${appId}/messages`)).body[0];
    expect(lobbyEvent).toEqual({
      type: 'lobby.message.created',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: { appId, message: { ...message, createdAt: lobbyEvent.timestamp } },
    });
    expect(lobby.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(lobby.headers['content-type']).toBe('application/json');

    const { seller, client, chatId, clientId } = await sellerChat();
    const [ack] = await client.request('message', { text: 'is it signed?', clientDate: 3, chatId });
    const received = await site.waitFor(3);
    const events = received.slice(1).map((request) => WebhookReceiver.verify(secret, request));
    expect(events.map((e) => e.type).sort()).toEqual(['seller.chat.created', 'seller.message.created']);
    expect(events.find((e) => e.type === 'seller.message.created')?.data).toEqual({
      sellerId: seller.id,
      chatId,
      client: { id: clientId, name: 'buyer' },
      message: { id: ack.data.id, text: 'is it signed?', date: ack.data.date, chatId, from: 'client' },
    });
    // A body altered on the way does not verify.
    const forged = { ...lobby, body: lobby.body.replace('hello hooks', 'hello hacks') };
    expect(forged.body).not.toBe(lobby.body);
    expect(() => WebhookReceiver.verify(secret, forged)).toThrow();
  });

  it('delivers lobby deletions, mutes and unmutes, and a chat opened by a known client with a new seller', async () => {
    const site = await receiver();
    const { secret } = await subscribe(site.url, {
      events: ['lobby.message.deleted', 'lobby.user.muted', 'lobby.user.unmuted', 'seller.chat.created'],
    });
    const owner = await suite.api.createUser(uniqueUname('owner'));
    const appId = await suite.api.createApp([owner.uname]);
    const staff = await suite.joinLobby(appId, owner.hashedToken);
    await staff.say('to be deleted');
    const [message] = (await suite.api.get(`/api/apps/${appId}/messages`)).body;
    expect((await suite.api.delete(`/api/apps/${appId}/messages/${message.id}`)).status).toBe(204);
    staff.emitTrackingAck('new_message', '/mute troll 5');
    const [muted] = (await staff.waitFor('user_muted')) as { expires_at: string }[];
    staff.emitTrackingAck('new_message', '/unmute troll');
    await staff.waitFor('user_unmuted');
    // An unmute of nobody changes nothing and reports nothing.
    staff.emitTrackingAck('new_message', '/unmute nobody');
    await staff.waitFor('system_message');

    const first = await createSeller(suite.api, 'First shop');
    const second = await createSeller(suite.api, 'Second shop');
    const client = await suite.sellerClient();
    const [auth] = await client.request('auth', { name: 'roamer', sellerId: first.id }, 2);
    const again = await suite.sellerClient();
    const [reauth] = await again.request('auth', { token: auth.data.token, sellerId: second.id }, 2);
    const firstChat = Number(Object.keys(auth.data.chats)[0]);
    const secondChat = Number(Object.keys(reauth.data.chats)[0]);
    const clientId = (await suite.api.get(`/api/sellers/${first.id}/chats`)).body[0].client.id as number;

    // Attempts run concurrently: arrival order is not event order.
    const events = (await site.waitFor(5)).map((request) => WebhookReceiver.verify(secret, request));
    expect(sorted(events.map(({ type, data }) => ({ type, data })))).toEqual(
      sorted([
        { type: 'lobby.message.deleted', data: { appId, messageId: message.id } },
        {
          type: 'lobby.user.muted',
          data: { appId, uname: 'troll', mins: 5, expires_at: muted.expires_at, by: owner.uname },
        },
        { type: 'lobby.user.unmuted', data: { appId, uname: 'troll', by: owner.uname } },
        {
          type: 'seller.chat.created',
          data: { sellerId: first.id, chatId: firstChat, client: { id: clientId, name: 'roamer' } },
        },
        {
          type: 'seller.chat.created',
          data: { sellerId: second.id, chatId: secondChat, client: { id: clientId, name: 'roamer' } },
        },
      ]),
    );
  });

  it('retries an answer of 500 with the same webhook-id, then records the delivery as delivered', async () => {
    const site = await receiver();
    const statuses = [500, 200];
    site.answer = (_, response) => {
      response.statusCode = statuses.shift() ?? 200;
      response.end();
    };
    const { id, secret } = await subscribe(site.url, { events: ['lobby.message.created'] });
    const appId = await suite.api.createApp();
    const user = await suite.api.createUser(uniqueUname('retried'));
    await (await suite.joinLobby(appId, user.hashedToken)).say('try twice');
    const [first, second] = await site.waitFor(2);
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(WebhookReceiver.verify(secret, second)).toEqual(WebhookReceiver.verify(secret, first));
    await expect
      .poll(async () => (await suite.api.get(`/api/webhooks/${id}/deliveries`)).body)
      .toEqual([
        {
          id: expect.any(Number),
          eventId: first.headers['webhook-id'],
          type: 'lobby.message.created',
          state: 'delivered',
          attempts: 2,
          lastStatus: 200,
          lastError: null,
          nextAttemptAt: null,
        },
      ]);
    // Nothing more arrives: a marker event is the next request.
    await (await suite.joinLobby(appId, user.hashedToken)).say('marker');
    const [, , marker] = await site.waitFor(3);
    expect(WebhookReceiver.verify(secret, marker).data.message.text).toBe('marker');
  });

  it('follows no redirect, and retries on demand a delivery the API names', async () => {
    const site = await receiver();
    site.answer = (_, response) => {
      response.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere' });
      response.end();
    };
    const { id, secret } = await subscribe(site.url, { events: ['lobby.message.created'] });
    const appId = await suite.api.createApp();
    const user = await suite.api.createUser(uniqueUname('moved'));
    await (await suite.joinLobby(appId, user.hashedToken)).say('moved?');
    await site.waitFor(2);
    const [delivery] = (await suite.api.get(`/api/webhooks/${id}/deliveries`)).body;
    expect(delivery).toMatchObject({ state: 'pending', lastStatus: 302, lastError: 'answered HTTP 302' });

    site.answer = (_, response) => response.end();
    const count = site.received.length;
    const retried = await suite.api.post(`/api/webhooks/${id}/deliveries/${delivery.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: delivery.id, state: 'pending' });
    const after = await site.waitFor(count + 1);
    expect(WebhookReceiver.verify(secret, after[count]).data.message.text).toBe('moved?');
    expect((await suite.api.post(`/api/webhooks/${id}/deliveries/999999/retry`)).status).toBe(404);
  });

  it('sends an endpoint only the events and the seller it asked for', async () => {
    const site = await receiver();
    const first = await sellerChat();
    const { secret } = await subscribe(site.url, { events: ['seller.message.created'], sellerId: first.seller.id });
    const other = await sellerChat();
    await other.client.request('message', { text: 'not for this endpoint', clientDate: 1, chatId: other.chatId });
    const appId = await suite.api.createApp();
    const user = await suite.api.createUser(uniqueUname('elsewhere'));
    await (await suite.joinLobby(appId, user.hashedToken)).say('lobby, not for it either');
    await first.client.request('message', { text: 'for it', clientDate: 1, chatId: first.chatId });
    const [only] = await site.waitFor(1);
    expect(WebhookReceiver.verify(secret, only).data.message.text).toBe('for it');
    await first.client.request('message', { text: 'marker', clientDate: 2, chatId: first.chatId });
    const [, marker] = await site.waitFor(2);
    expect(WebhookReceiver.verify(secret, marker).data.message.text).toBe('marker');
  });

  it('records nothing for a message when no endpoint wants its event', async () => {
    const dataSource = suite.server.app.get(DataSource);
    const before = Number((await dataSource.query('SELECT COUNT(*) AS n FROM webhook_events'))[0].n);
    const appId = await suite.api.createApp();
    const user = await suite.api.createUser(uniqueUname('unheard'));
    await (await suite.joinLobby(appId, user.hashedToken)).say('nobody listens');
    const { client, chatId } = await sellerChat();
    await client.request('message', { text: 'nobody here either', clientDate: 1, chatId });
    expect(Number((await dataSource.query('SELECT COUNT(*) AS n FROM webhook_events'))[0].n)).toBe(before);
  });
});

/** Metrics are per instance: one instance here, so the one that counts is the one that made the attempt. */
describe('webhook metrics', () => {
  const suite = useTestServer(QUICK_WEBHOOKS, { singleInstance: true });
  let site: WebhookReceiver | undefined;
  afterEach(() => site?.close());

  it('cuts an attempt the receiver never answers, and counts outcomes and the backlog in /metrics', async () => {
    site = await WebhookReceiver.start();
    site.answer = () => {}; // never answers
    const created = await suite.api.post('/api/webhooks', { url: site.url, events: ['lobby.message.created'] });
    expect(created.status).toBe(201);
    const { id } = created.body as { id: number };
    const appId = await suite.api.createApp();
    const user = await suite.api.createUser(uniqueUname('ignored'));
    await (await suite.joinLobby(appId, user.hashedToken)).say('hello?');
    await expect
      .poll(async () => (await suite.api.get(`/api/webhooks/${id}/deliveries`)).body[0], { timeout: 10_000 })
      .toMatchObject({ state: 'pending', lastStatus: null, lastError: 'timed out' });
    const metrics = await (await fetch(`${suite.server.url}/metrics`)).text();
    expect(metrics).toMatch(/^chatgate_webhook_deliveries_total\{outcome="retry"\} [1-9]/m);
    expect(metrics).toMatch(/^chatgate_webhook_pending 1$/m);
    expect(metrics).toMatch(/^chatgate_webhook_oldest_pending_seconds \d/m);
  });
});

describe('webhook answers', () => {
  const suite = useTestServer(QUICK_WEBHOOKS, { singleInstance: true });
  let site: WebhookReceiver | undefined;
  afterEach(() => site?.close());

  it('drops an answer body past 64 KiB by closing its connection, and delivers the next event on a new one', async () => {
    site = await WebhookReceiver.start();
    site.answer = (_, response) => response.end('x'.repeat(1024 * 1024));
    expect((await suite.api.post('/api/webhooks', { url: site.url, events: ['lobby.message.created'] })).status).toBe(
      201,
    );
    const appId = await suite.api.createApp();
    const speaker = await suite.joinLobby(appId, (await suite.api.createUser(uniqueUname('chatty'))).hashedToken);
    await speaker.say('first');
    await site.waitFor(1);
    await speaker.say('second');
    const received = await site.waitFor(2);
    expect(received.map((r) => JSON.parse(r.body).data.message.text)).toEqual(['first', 'second']);
    expect(site.connections).toBe(2);
  });
});

/** Payloads in a fixed order, for comparing what arrived in any order. */
function sorted<T>(items: T[]): T[] {
  return [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe('webhook targets', () => {
  const suite = useTestServer();

  it.each([
    'http://127.0.0.1/hooks',
    'http://localhost/hooks',
    'http://10.1.2.3/hooks',
    'http://169.254.169.254/latest',
    'http://[::1]/hooks',
    'http://192.168.0.1/',
  ])('refuses %s without WEBHOOK_ALLOW_PRIVATE', async (url) => {
    const res = await suite.api.post('/api/webhooks', { url });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('loopback, private or link-local');
  });
});
