import { describe, expect, it } from 'vitest';
import { createSeller } from './support/seller-client.js';
import { useTestServer } from './support/suite.js';

describe('a resent seller-chat message', () => {
  const suite = useTestServer();

  it('gets the original back (same id) when the same clientDate and text come again for the chat, on any connection', async () => {
    const seller = await createSeller(suite.api, 'Once');
    const tab = await suite.sellerClient();
    await tab.request('auth', { id: seller.id, token: seller.token });
    const first = await suite.sellerClient();
    const [auth] = await first.request('auth', { name: 'resender', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const [original] = await first.request('message', {
      id: 0,
      text: 'hello',
      date: 0,
      clientDate: 1763780000,
      chatId: String(chatId),
      my: false,
    });
    // Delivered before the resend: a tab hears two instances' messages in the order each reaches its own instance.
    await suite.sync(tab);
    first.close();

    // The reconnect loop: a new connection, the same token, the same pending message.
    const second = await suite.sellerClient();
    await second.request('auth', { token: auth.data.token, name: 'resender', sellerId: seller.id }, 2);
    const [again] = await second.request('message', {
      id: 0,
      text: 'hello',
      date: 0,
      clientDate: 1763780000,
      chatId: String(chatId),
      my: false,
    });
    expect(again).toEqual(original);
    expect(again.data).toEqual({
      id: original.data.id,
      text: 'hello',
      date: expect.any(Number),
      chatId,
      clientDate: 1763780000,
      my: true,
    });

    const [other] = await second.request('message', { text: 'hello', clientDate: 1763780001, chatId });
    expect(other.data.id).toBeGreaterThan(original.data.id);
    await suite.sync(tab);
    expect(tab.of('message').map((frame) => frame.data.id)).toEqual([original.data.id, other.data.id]);
    const stored = (await suite.api.get(`/api/sellers/${seller.id}/chats/${chatId}/messages`)).body;
    expect(stored.map((m: { id: number }) => m.id)).toEqual([original.data.id, other.data.id]);
  });

  it('gets the original back while the other party is offline', async () => {
    const seller = await createSeller(suite.api, 'Away');
    const tab = await suite.sellerClient();
    await tab.request('auth', { id: seller.id, token: seller.token });
    const client = await suite.sellerClient();
    const [auth] = await client.request('auth', { name: 'patient', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const [original] = await client.request('message', { text: 'still there?', clientDate: 7, chatId });
    tab.close();
    await client.waitFor('status', 2);

    const [again] = await client.request('message', { text: 'still there?', clientDate: 7, chatId });
    expect(again).toEqual(original);
    const [fresh] = await client.request('message', { text: 'still there?', clientDate: 8, chatId });
    expect(fresh).toEqual({
      command: 'message',
      data: { text: 'still there?', clientDate: 8, chatId },
      error: 'USER_IS_NOT_ONLINE',
    });
  });

  it('is stored once when two connections send it at the same moment', async () => {
    const seller = await createSeller(suite.api, 'Twice');
    const tab = await suite.sellerClient();
    await tab.request('auth', { id: seller.id, token: seller.token });
    const first = await suite.sellerClient();
    const [auth] = await first.request('auth', { name: 'double', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const second = await suite.sellerClient();
    await second.request('auth', { token: auth.data.token, name: 'double', sellerId: seller.id }, 2);

    const message = { text: 'only once', clientDate: 1763780002, chatId };
    first.send('message', message);
    second.send('message', message);
    await Promise.all([first.waitFor('message'), second.waitFor('message'), tab.waitFor('message')]);
    await suite.sync(first, second, tab);
    const ackOf = (client: typeof first) => client.of('message').find((frame) => frame.data.clientDate !== undefined);
    const [one, other] = [ackOf(first), ackOf(second)];
    expect(one?.data).toEqual({
      id: one?.data.id,
      text: 'only once',
      date: expect.any(Number),
      chatId,
      clientDate: 1763780002,
      my: true,
    });
    expect(other).toEqual(one);
    expect(tab.of('message')).toEqual([
      { command: 'message', data: { id: one?.data.id, text: 'only once', date: one?.data.date, chatId } },
    ]);
    const stored = (await suite.api.get(`/api/sellers/${seller.id}/chats/${chatId}/messages`)).body;
    expect(stored.map((m: { id: number }) => m.id)).toEqual([one?.data.id]);
  });
});
