import { describe, expect, it } from 'vitest';
import { createSeller } from './support/seller-client.js';
import { useTestServer } from './support/suite.js';

describe('read marks and unread counts (docs/seller-shop.md)', () => {
  const suite = useTestServer();
  const connect = () => suite.sellerClient();

  /** A seller with two tabs and an online client in one chat. */
  async function shop(name: string) {
    const seller = await createSeller(suite.api, name);
    const tab1 = await connect();
    await tab1.request('auth', { id: seller.id, token: seller.token });
    const tab2 = await connect();
    await tab2.request('auth', { id: seller.id, token: seller.token });
    const client = await connect();
    const [auth] = await client.request('auth', { name: 'buyer', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    await tab2.waitFor('status');
    const say = async (text: string, clientDate: number) =>
      (await client.request('message', { text, clientDate, chatId }))[0].data.id as number;
    const chats = async () => (await suite.api.get(`/api/sellers/${seller.id}/chats`)).body;
    return { seller, tab1, tab2, client, chatId, say, chats };
  }

  it('marks a chat read up to a message: answered to the tab, pushed to the seller’s other tabs, counted in the API', async () => {
    const { seller, tab1, tab2, client, chatId, say, chats } = await shop('Reader');
    const ids = [await say('one', 1), await say('two', 2), await say('three', 3)];
    await tab2.waitFor('message', 3);
    expect(await chats()).toEqual([
      { id: chatId, client: { id: expect.any(Number), name: 'buyer' }, unread: 3, lastRead: 0 },
    ]);

    expect(await tab1.request('read', { chatId: String(chatId), id: ids[1] })).toEqual([
      { command: 'read', data: { chatId, id: ids[1] } },
    ]);
    expect(await tab2.waitFor('read')).toEqual([{ command: 'read', data: { chatId, id: ids[1] } }]);
    expect((await chats())[0]).toMatchObject({ unread: 1, lastRead: ids[1] });

    // Never back: the answer is the mark as it stands, and the other tab hears nothing.
    expect(await tab1.request('read', { chatId, id: ids[0] })).toEqual([
      { command: 'read', data: { chatId, id: ids[1] } },
    ]);
    // Never past the chat's last message.
    expect(await tab1.request('read', { chatId, id: ids[2] + 1000 })).toEqual([
      { command: 'read', data: { chatId, id: ids[2] } },
    ]);
    expect((await chats())[0]).toMatchObject({ unread: 0, lastRead: ids[2] });
    const marker = await say('four', 4);
    await tab2.waitFor('message', 4);
    expect(tab2.frames.slice(-2)).toEqual([
      { command: 'read', data: { chatId, id: ids[2] } },
      { command: 'message', data: expect.objectContaining({ id: marker }) },
    ]);
    expect(tab2.of('read')).toHaveLength(2);
    expect(client.of('read')).toEqual([]);

    // A new tab learns the mark with its chats.
    const tab3 = await connect();
    const [auth] = await tab3.request('auth', { id: seller.id, token: seller.token });
    expect(auth.data.chats[chatId]).toEqual({ chatter: 'buyer', messages: expect.any(Array), lastRead: ids[2] });
  });

  it('counts an answer as having read what it answers', async () => {
    const { tab1, chatId, say, chats } = await shop('Answerer');
    await say('hello?', 1);
    await tab1.waitFor('message');
    await tab1.request('message', { text: 'hi', clientDate: 9, chatId });
    expect((await chats())[0]).toMatchObject({ unread: 0, lastRead: 0 });
    await say('thanks', 2);
    expect((await chats())[0]).toMatchObject({ unread: 1, lastRead: 0 });
  });

  it.each([
    ['no chatId', { id: 1 }, 'CHAT_ID_IS_REQUIRED'],
    ['no message id', { chatId: 1 }, 'INVALID_INPUT'],
    ['a message id that is not one', { chatId: 1, id: 'x' }, 'INVALID_INPUT'],
  ])('refuses a read with %s', async (_, data, error) => {
    const { tab1 } = await shop('Strict');
    expect(await tab1.request('read', data)).toEqual([{ command: 'read', data, error }]);
  });

  it('refuses a read from the client, from another seller and before auth (CHAT_NOT_FOUND)', async () => {
    const { client, chatId, say } = await shop('Private');
    const id = await say('mine', 1);
    const other = await createSeller(suite.api, 'Nosy');
    const stranger = await connect();
    await stranger.request('auth', { id: other.id, token: other.token });
    const anonymous = await connect();
    for (const reader of [client, stranger, anonymous]) {
      expect(await reader.request('read', { chatId, id })).toEqual([
        { command: 'read', data: { chatId, id }, error: 'CHAT_NOT_FOUND' },
      ]);
    }
  });
});
