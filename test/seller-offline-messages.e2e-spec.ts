import { describe, expect, it } from 'vitest';
import { createSeller } from './support/seller-client.js';
import { useTestServer } from './support/suite.js';

describe('offline messages, opt-in per seller (docs/seller-shop.md)', () => {
  const suite = useTestServer();
  const connect = () => suite.sellerClient();

  async function offlineSeller(name: string) {
    const res = await suite.api.post('/api/sellers', { name, offlineMessages: true });
    expect(res).toEqual({
      status: 201,
      body: { id: expect.any(Number), name, offlineMessages: true, token: expect.any(String) },
    });
    return res.body as { id: number; name: string; token: string };
  }

  it('stores and acks a client’s message to an offline seller who allows it; the seller’s next auth reply holds it', async () => {
    const seller = await offlineSeller('Night shop');
    const client = await connect();
    const [auth, status] = await client.request('auth', { name: 'owl', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    expect(auth.data).toEqual({
      token: expect.any(String),
      chats: { [chatId]: { chatter: 'Night shop', messages: [] } },
      offlineMessages: true,
    });
    expect(status).toEqual({ command: 'status', data: { chatId, status: false } });

    const [ack] = await client.request('message', { text: 'open tomorrow?', clientDate: 5, chatId: String(chatId) });
    expect(ack).toEqual({
      command: 'message',
      data: {
        id: expect.any(Number),
        text: 'open tomorrow?',
        date: expect.any(Number),
        chatId,
        clientDate: 5,
        my: true,
      },
    });
    // A resend after a lost ack is answered with the original, not stored twice.
    expect(await client.request('message', { text: 'open tomorrow?', clientDate: 5, chatId })).toEqual([ack]);

    const tab = await connect();
    const [sellerAuth] = await tab.request('auth', { id: seller.id, token: seller.token });
    expect(sellerAuth).toEqual({
      command: 'auth',
      data: {
        name: 'Night shop',
        chats: {
          [chatId]: { chatter: 'owl', messages: [{ id: ack.data.id, text: 'open tomorrow?', date: ack.data.date }] },
        },
      },
    });
    expect(await client.waitFor('status', 2)).toEqual([status, { command: 'status', data: { chatId, status: true } }]);
  });

  it('refuses the seller’s own message to an offline client: only clients leave messages', async () => {
    const seller = await offlineSeller('Day shop');
    // The seller is online before the client comes and goes, so it is told both, and writes only once it is gone.
    // (A seller who authenticates after the client may also be told the client came, on a bus's own delay.)
    const tab = await connect();
    await tab.request('auth', { id: seller.id, token: seller.token });
    const client = await connect();
    const [auth] = await client.request('auth', { name: 'gone soon', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    expect(await tab.waitFor('status')).toEqual([{ command: 'status', data: { chatId, status: true } }]);
    client.close();
    expect(await tab.waitFor('status', 2)).toEqual([
      { command: 'status', data: { chatId, status: true } },
      { command: 'status', data: { chatId, status: false } },
    ]);
    const data = { text: 'still there?', clientDate: 1, chatId };
    expect(await tab.request('message', data)).toEqual([{ command: 'message', data, error: 'USER_IS_NOT_ONLINE' }]);
  });

  it('is turned off and on by PATCH /api/sellers/{id}, and off it keeps the AH Chat contract', async () => {
    const seller = await createSeller(suite.api, 'Switching');
    expect(await suite.api.get(`/api/sellers/${seller.id}`)).toEqual({
      status: 200,
      body: { id: seller.id, name: 'Switching', offlineMessages: false },
    });
    const client = await connect();
    const [auth] = await client.request('auth', { name: 'patient', sellerId: seller.id }, 2);
    expect(Object.keys(auth.data)).toEqual(['token', 'chats']);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const refused = { text: 'hello?', clientDate: 1, chatId };
    expect(await client.request('message', refused)).toEqual([
      { command: 'message', data: refused, error: 'USER_IS_NOT_ONLINE' },
    ]);

    expect(await suite.api.patch(`/api/sellers/${seller.id}`, { offlineMessages: true })).toEqual({
      status: 200,
      body: { id: seller.id, name: 'Switching', offlineMessages: true },
    });
    const [ack] = await client.request('message', { text: 'now?', clientDate: 2, chatId });
    expect(ack.data).toMatchObject({ text: 'now?', chatId, clientDate: 2, my: true });

    expect((await suite.api.patch(`/api/sellers/${seller.id}`, { offlineMessages: false })).body.offlineMessages).toBe(
      false,
    );
    const again = { text: 'and now?', clientDate: 3, chatId };
    expect(await client.request('message', again)).toEqual([
      { command: 'message', data: again, error: 'USER_IS_NOT_ONLINE' },
    ]);
    const history = (await suite.api.get(`/api/sellers/${seller.id}/chats/${chatId}/messages`)).body;
    expect(history.map((m: { text: string }) => m.text)).toEqual(['now?']);
  });

  it.each([[{ offlineMessages: 'yes' }], [{ name: 'renamed' }], [{ offlineMessages: null }]])(
    'rejects the change %j with 400',
    async (body) => {
      const seller = await createSeller(suite.api, 'Strict');
      expect((await suite.api.patch(`/api/sellers/${seller.id}`, body)).status).toBe(400);
    },
  );

  it('answers 404 for a change to no seller', async () => {
    expect((await suite.api.patch('/api/sellers/999999', { offlineMessages: true })).status).toBe(404);
  });
});
