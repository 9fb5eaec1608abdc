import { describe, expect, it } from 'vitest';
import { createSeller } from './support/seller-client.js';
import { useTestServer } from './support/suite.js';

describe('seller chat messages (protocols.md §2.3)', () => {
  const suite = useTestServer();
  const connect = () => suite.sellerClient();
  /** A seller with two tabs and a client with two tabs, all in one chat. */
  const chatWithTwoTabsEach = async () => {
    const seller = await createSeller(suite.api, 'Shop');
    const sellerTab1 = await connect();
    await sellerTab1.request('auth', { id: seller.id, token: seller.token });
    const sellerTab2 = await connect();
    await sellerTab2.request('auth', { id: seller.id, token: seller.token });
    const clientTab1 = await connect();
    const [auth] = await clientTab1.request('auth', { name: 'buyer', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const clientTab2 = await connect();
    await clientTab2.request('auth', { token: auth.data.token, name: 'buyer', sellerId: seller.id }, 2);
    await sellerTab2.waitFor('status');
    return { seller, chatId, sellerTab1, sellerTab2, clientTab1, clientTab2 };
  };

  it('acks the sending connection with clientDate, and delivers to every other connection without it', async () => {
    const { seller, chatId, sellerTab1, sellerTab2, clientTab1, clientTab2 } = await chatWithTwoTabsEach();
    const framesBefore = [sellerTab1, sellerTab2, clientTab2].map((c) => c.frames.length);
    const before = Math.floor(Date.now() / 1000);
    const [ack] = await clientTab1.request('message', {
      id: 0,
      text: '  Is it in stock?  ',
      date: 0,
      clientDate: 1_700_000_000,
      chatId: String(chatId),
      my: false,
    });
    const after = Math.floor(Date.now() / 1000);
    expect(ack).toEqual({
      command: 'message',
      data: {
        id: expect.any(Number),
        text: '  Is it in stock?  ',
        date: expect.any(Number),
        chatId,
        clientDate: 1_700_000_000,
        my: true,
      },
    });
    expect(Number.isInteger(ack.data.date) && ack.data.date >= before && ack.data.date <= after).toBe(true);
    const { id, date } = ack.data;
    const delivered = { id, text: '  Is it in stock?  ', date, chatId };
    expect(await sellerTab1.waitFor('message')).toEqual([{ command: 'message', data: delivered }]);
    expect(await sellerTab2.waitFor('message')).toEqual([{ command: 'message', data: delivered }]);
    expect(await clientTab2.waitFor('message')).toEqual([{ command: 'message', data: { ...delivered, my: true } }]);
    await suite.sync(sellerTab1, sellerTab2, clientTab1, clientTab2);
    expect([sellerTab1, sellerTab2, clientTab2].map((c) => c.frames.length)).toEqual(framesBefore.map((n) => n + 1));
    expect(clientTab1.of('message')).toEqual([ack]);

    const history = await suite.api.get(`/api/sellers/${seller.id}/chats/${chatId}/messages`);
    expect(history.body).toEqual([{ ...delivered, from: 'client' }]);
  });

  it('lets the seller answer, with a numeric chatId, and the client see it', async () => {
    const { chatId, sellerTab1, sellerTab2, clientTab1, clientTab2 } = await chatWithTwoTabsEach();
    const [ack] = await sellerTab2.request('message', { text: 'Yes', clientDate: '1700000001', chatId });
    expect(ack.data).toEqual({
      id: expect.any(Number),
      text: 'Yes',
      date: expect.any(Number),
      chatId,
      clientDate: '1700000001',
      my: true,
    });
    const { id, date } = ack.data;
    expect(await sellerTab1.waitFor('message')).toEqual([
      { command: 'message', data: { id, text: 'Yes', date, chatId, my: true } },
    ]);
    for (const tab of [clientTab1, clientTab2]) {
      expect(await tab.waitFor('message')).toEqual([{ command: 'message', data: { id, text: 'Yes', date, chatId } }]);
    }
  });

  it.each([
    ['no data', undefined, {}, 'CHAT_ID_IS_REQUIRED'],
    ['chatId 0', { chatId: 0, text: 'x', clientDate: 1 }, null, 'CHAT_ID_IS_REQUIRED'],
    ['an empty chatId', { chatId: '', text: 'x', clientDate: 1 }, null, 'CHAT_ID_IS_REQUIRED'],
    ['no text', { chatId: 1, clientDate: 1 }, null, 'TEXT_IS_REQUIRED'],
    ['a blank text', { chatId: 1, text: ' \n ', clientDate: 1 }, null, 'TEXT_IS_REQUIRED'],
    ['a text that is not a string', { chatId: 1, text: 5, clientDate: 1 }, null, 'TEXT_IS_REQUIRED'],
    ['no clientDate', { chatId: 1, text: 'x' }, null, 'DATE_IS_REQUIRED'],
    ['clientDate 0', { chatId: 1, text: 'x', clientDate: 0 }, null, 'DATE_IS_REQUIRED'],
    ['clientDate ""', { chatId: 1, text: 'x', clientDate: '' }, null, 'DATE_IS_REQUIRED'],
    ['clientDate null', { chatId: 1, text: 'x', clientDate: null }, null, 'DATE_IS_REQUIRED'],
    ['a valid message before auth', { chatId: 1, text: 'x', clientDate: 1 }, null, 'CHAT_NOT_FOUND'],
  ])('refuses %s', async (_, data, echoed, error) => {
    const client = await connect();
    expect(await client.request('message', data)).toEqual([{ command: 'message', data: echoed ?? data, error }]);
  });

  it('refuses a chat that does not exist or is not the sender’s', async () => {
    const { chatId } = await chatWithTwoTabsEach();
    const other = await createSeller(suite.api, 'Other shop');
    const stranger = await connect();
    await stranger.request('auth', { id: other.id, token: other.token });
    for (const target of [chatId, 999_999, 'abc', -1]) {
      const data = { text: 'sneaky', clientDate: 1, chatId: target };
      expect(await stranger.request('message', data)).toEqual([{ command: 'message', data, error: 'CHAT_NOT_FOUND' }]);
    }
  });

  it('refuses a message to an offline counterpart and does not store it', async () => {
    const seller = await createSeller(suite.api, 'Closed');
    const client = await connect();
    const [auth] = await client.request('auth', { name: 'early bird', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const data = { text: 'anyone?', clientDate: 9, chatId };
    expect(await client.request('message', data)).toEqual([{ command: 'message', data, error: 'USER_IS_NOT_ONLINE' }]);
    expect((await suite.api.get(`/api/sellers/${seller.id}/chats/${chatId}/messages`)).body).toEqual([]);
  });

  it('keeps one connection’s messages in the order sent', async () => {
    const { chatId, sellerTab1, clientTab1 } = await chatWithTwoTabsEach();
    const texts = Array.from({ length: 15 }, (_, i) => `n${i}`);
    texts.forEach((text, i) => clientTab1.send('message', { text, clientDate: i + 1, chatId }));
    const acks = await clientTab1.waitFor('message', texts.length);
    expect(acks.map((f) => f.data.clientDate)).toEqual(texts.map((_, i) => i + 1));
    const received = await sellerTab1.waitFor('message', texts.length);
    expect(received.map((f) => f.data.text)).toEqual(texts);
    expect(received.map((f) => f.data.id)).toEqual(acks.map((f) => f.data.id));
  });

  it('returns the history with `my` marks in the next auth reply, for each side', async () => {
    const { seller, chatId, sellerTab1, clientTab1 } = await chatWithTwoTabsEach();
    const [fromClient] = await clientTab1.request('message', { text: 'q', clientDate: 1, chatId });
    const [fromSeller] = await sellerTab1.request('message', { text: 'a', clientDate: 2, chatId });
    const token = clientTab1.of('auth')[0].data.token;
    const rejoin = await connect();
    const [auth] = await rejoin.request('auth', { token, sellerId: seller.id }, 2);
    expect(auth.data.chats[chatId].messages).toEqual([
      { id: fromClient.data.id, text: 'q', date: fromClient.data.date, my: true },
      { id: fromSeller.data.id, text: 'a', date: fromSeller.data.date },
    ]);
  });
});
