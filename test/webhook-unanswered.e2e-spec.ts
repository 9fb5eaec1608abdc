import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Clock } from '../src/common/clock.js';
import { FakeClock } from './support/fake-clock.js';
import { SellerClient } from './support/seller-client.js';
import type { TestServer } from './support/server.js';
import { startTestingApp } from './support/testing-app.js';
import { until } from './support/until.js';
import { QUICK_WEBHOOKS, WebhookReceiver } from './support/webhook-receiver.js';

const WINDOW_MS = 60_000;

describe('seller.message.unanswered, on a fake clock', () => {
  const clock = new FakeClock(Date.UTC(2030, 5, 1, 12, 0, 0));
  let server: TestServer;
  let site: WebhookReceiver;
  let hook: { id: number; secret: string };
  const clients: SellerClient[] = [];
  const connect = async () => {
    const client = await SellerClient.connect(server.url);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startTestingApp({
      // No retention sweep: the dispatcher's rounds are the only timers on the clock.
      env: { ...QUICK_WEBHOOKS, UNANSWERED_AFTER_MS: String(WINDOW_MS), WEBHOOK_RETENTION_MS: '0' },
      customize: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
    site = await WebhookReceiver.start();
    const created = await server.api.post('/api/webhooks', {
      url: site.url,
      events: ['seller.message.created', 'seller.message.unanswered'],
    });
    expect(created.status).toBe(201);
    hook = created.body;
  });
  afterEach(() => clients.splice(0).forEach((client) => client.close()));
  afterAll(async () => {
    await server?.close();
    await site?.close();
  });

  /** A seller who takes offline messages, and a client of it in a chat. */
  async function shop(name: string) {
    const seller = (await server.api.post('/api/sellers', { name, offlineMessages: true })).body as {
      id: number;
      token: string;
    };
    const client = await connect();
    const [auth] = await client.request('auth', { name: 'night owl', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const say = async (text: string) =>
      (await client.request('message', { text, clientDate: clock.now() + text.length, chatId }))[0].data.id as number;
    return { seller, chatId, say };
  }

  /**
   * Runs one dispatcher round `ms` from now, and returns every event delivered so far once a marker (a message in a
   * chat of its own, recorded before the round) has been delivered. Rounds run only as the clock passes their time,
   * each at the time the clock was moved to, and a round turns due timers into events before it fans new events out,
   * so any event the clock made due is delivered with or before the marker.
   */
  const round = roundRunner();
  function roundRunner() {
    let markers = 0;
    return async (ms: number) => {
      const { say } = await shop(`Marker ${++markers}`);
      const id = await say(`marker ${markers}`);
      // A round still running (the clock moved while it ran) sets the next one when it ends.
      await until(() => clock.pendingOnce().length === 1, { what: 'the next webhook round to be set' });
      expect(clock.pendingOnce()[0]).toBeLessThanOrEqual(clock.now() + ms);
      clock.advance(ms);
      const isMarker = (event: { type: string; data: { message: { id: number } } }) =>
        event.type === 'seller.message.created' && event.data.message.id === id;
      const delivered = async () => (await server.api.get(`/api/webhooks/${hook.id}/deliveries?limit=500`)).body;
      const events = () => site.received.map((request) => WebhookReceiver.verify(hook.secret, request));
      // The deliveries list shows every event fanned out so far: all delivered, the marker among them.
      await expect
        .poll(
          async () =>
            events().some(isMarker) && (await delivered()).every((d: { state: string }) => d.state === 'delivered'),
        )
        .toBe(true);
      return events().filter((e) => !isMarker(e));
    };
  }
  const unansweredIn = (events: { type: string; data: any }[], chatId: number) =>
    events.filter((e) => e.type === 'seller.message.unanswered' && e.data.chatId === chatId).map((e) => e.data);

  it('fires once the first message of a waiting streak has waited the window, once per streak', async () => {
    const { seller, chatId, say } = await shop('Night shop');
    const waitingSince = new Date(clock.now()).toISOString();
    const first = await say('hello?');
    await say('anyone?');
    clock.advance(1);
    // A streak that starts 1 ms later has not waited the window when the first one has.
    const later = await shop('Later shop');
    const laterFirst = await later.say('still there?');

    let events = await round(WINDOW_MS - 1);
    expect(unansweredIn(events, later.chatId)).toEqual([]);
    expect(unansweredIn(events, chatId)).toEqual([
      {
        sellerId: seller.id,
        chatId,
        client: { id: expect.any(Number), name: 'night owl' },
        message: { id: first, text: 'hello?', date: Math.floor(Date.parse(waitingSince) / 1000), chatId },
        waitingSince,
      },
    ]);
    events = await round(WINDOW_MS * 10);
    expect(unansweredIn(events, chatId)).toHaveLength(1);
    expect(unansweredIn(events, later.chatId).map((data) => data.message.id)).toEqual([laterFirst]);

    // The seller answers: the next message starts a new streak, which fires again.
    const tab = await connect();
    await tab.request('auth', { id: seller.id, token: seller.token });
    await tab.request('message', { text: 'here now', clientDate: 1, chatId });
    const next = await say('great, one more question');
    expect(unansweredIn(await round(WINDOW_MS), chatId).map((data) => data.message.id)).toEqual([first, next]);
  });

  it('does not fire for a message the seller answered or marked read in time', async () => {
    const answered = await shop('Quick shop');
    const read = await shop('Reading shop');
    await answered.say('question one');
    const toRead = await read.say('question two');
    clock.advance(WINDOW_MS / 2);
    const answering = await connect();
    await answering.request('auth', { id: answered.seller.id, token: answered.seller.token });
    await answering.request('message', { text: 'answer', clientDate: 1, chatId: answered.chatId });
    const reading = await connect();
    await reading.request('auth', { id: read.seller.id, token: read.seller.token });
    expect(await reading.request('read', { chatId: read.chatId, id: toRead })).toEqual([
      { command: 'read', data: { chatId: read.chatId, id: toRead } },
    ]);
    const events = await round(WINDOW_MS);
    expect(unansweredIn(events, answered.chatId)).toEqual([]);
    expect(unansweredIn(events, read.chatId)).toEqual([]);
  });
});
