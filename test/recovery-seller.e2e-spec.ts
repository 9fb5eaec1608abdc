import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock } from '../src/common/clock.js';
import { FakeClock } from './support/fake-clock.js';
import { createSeller, SellerClient } from './support/seller-client.js';
import { type TestServer } from './support/server.js';
import { startSimulatedCluster } from './support/simulated-cluster.js';
import { startTestingApp, type TestingAppOptions } from './support/testing-app.js';

/**
 * Seller-chat `auth` with `since` (docs/recovery.md): per chat, the messages after the id the connection holds and
 * `recovered`. Small bounds, a clock the tests move; two instances under TEST_CLUSTER=1.
 */
describe('seller auth with since (docs/recovery.md)', () => {
  const clock = new FakeClock(Date.now());
  const env = { SELLER_AUTH_MESSAGES_PER_CHAT: '3', RECOVERY_MAX_MESSAGES: '6', RECOVERY_WINDOW_MS: '60000' };
  const options: TestingAppOptions = { env, customize: (builder) => builder.overrideProvider(Clock).useValue(clock) };
  let server: TestServer;
  const open: SellerClient[] = [];
  beforeAll(async () => {
    server = process.env.TEST_CLUSTER === '1' ? await startSimulatedCluster(options) : await startTestingApp(options);
  });
  afterAll(async () => {
    open.forEach((client) => client.close());
    await server.close();
  });
  const connect = async () => {
    const client = await SellerClient.connect(server.url);
    open.push(client);
    return client;
  };

  /** A seller online and one client in a chat; `post(n)` has the client send n messages, each acked. */
  async function chat() {
    const seller = await createSeller(server.api, 'Shop');
    const sellerTab = await connect();
    await sellerTab.request('auth', { id: seller.id, token: seller.token });
    const client = await connect();
    const [auth] = await client.request('auth', { name: 'buyer', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const token = auth.data.token as string;
    let n = 0;
    const post = async (count: number) => {
      const sent = [];
      for (let i = 0; i < count; i++) {
        const [ack] = await client.request('message', { text: `m${++n}`, clientDate: n, chatId });
        expect(ack.error).toBeUndefined();
        const { id, text, date } = ack.data as { id: number; text: string; date: number };
        sent.push({ id, text, date });
      }
      return sent;
    };
    const reconnect = async (since?: unknown) => {
      const tab = await connect();
      const [reply] = await tab.request('auth', { id: seller.id, token: seller.token, ...(since ? { since } : {}) });
      return reply;
    };
    return { seller, chatId, token, post, reconnect };
  }

  it('answers an auth without since as before: the newest SELLER_AUTH_MESSAGES_PER_CHAT, no recovered', async () => {
    const { chatId, post, reconnect } = await chat();
    const sent = await post(4);
    expect(await reconnect()).toEqual({
      command: 'auth',
      data: { name: 'Shop', chats: { [chatId]: { chatter: 'buyer', messages: sent.slice(-3) } } },
    });
  });

  it('sends a chat named in since every message after the id held, recovered', async () => {
    const { chatId, post, reconnect } = await chat();
    const [held, ...missed] = await post(6);
    expect(await reconnect({ [chatId]: held.id })).toEqual({
      command: 'auth',
      data: { name: 'Shop', chats: { [chatId]: { chatter: 'buyer', messages: missed, recovered: true } } },
    });
  });

  it('says recovered: false with the newest RECOVERY_MAX_MESSAGES when more were missed', async () => {
    const { chatId, post, reconnect } = await chat();
    const [held, ...missed] = await post(8);
    expect((await reconnect({ [String(chatId)]: held.id })).data.chats[chatId]).toEqual({
      chatter: 'buyer',
      messages: missed.slice(-6),
      recovered: false,
    });
  });

  it('says recovered: false when messages older than RECOVERY_WINDOW_MS were missed', async () => {
    const { chatId, post, reconnect } = await chat();
    const [held] = await post(2);
    clock.advance(60_001);
    const recent = await post(1);
    expect((await reconnect({ [chatId]: held.id })).data.chats[chatId]).toEqual({
      chatter: 'buyer',
      messages: recent,
      recovered: false,
    });
  });

  it('gives a client the same per-chat catch-up', async () => {
    const { seller, chatId, token, post } = await chat();
    const [held, ...missed] = await post(3);
    const tab = await connect();
    const [reply] = await tab.request('auth', {
      token,
      name: 'buyer',
      sellerId: seller.id,
      since: { [chatId]: held.id },
    });
    expect(reply.data.chats[chatId]).toEqual({
      chatter: 'Shop',
      messages: missed.map((m) => ({ ...m, my: true })),
      recovered: true,
    });
  });

  it.each([
    ['an array', [1]],
    ['a string', '5'],
    ['a negative id', { 1: -1 }],
    ['a fractional id', { 1: 1.5 }],
    ['a string id', { 1: '5' }],
    ['a key that is no chat id', { abc: 5 }],
  ])('answers a since that is %s with an INVALID_INPUT error frame, the connection left open', async (_, since) => {
    const { seller } = await chat();
    const tab = await connect();
    const data = { id: seller.id, token: seller.token, since };
    expect(await tab.request('auth', data)).toEqual([{ command: 'auth', data, error: 'INVALID_INPUT' }]);
    const [reply] = await tab.request('auth', { id: seller.id, token: seller.token });
    expect(reply.command).toBe('auth');
    expect(reply.error).toBeUndefined();
  });
});
