import { describe, expect, it } from 'vitest';
import { createSeller, SellerClient } from './support/seller-client.js';
import { useTestServer } from './support/suite.js';

describe('provisioning API: sellers', () => {
  const suite = useTestServer();

  it('creates a seller with a token shown once, and reads it back without the token', async () => {
    const res = await suite.api.post('/api/sellers', { name: 'Trainer' });
    expect(res).toEqual({
      status: 201,
      body: {
        id: expect.any(Number),
        name: 'Trainer',
        offlineMessages: false,
        token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      },
    });
    expect(await suite.api.get(`/api/sellers/${res.body.id}`)).toEqual({
      status: 200,
      body: { id: res.body.id, name: 'Trainer', offlineMessages: false },
    });
    expect((await suite.api.get('/api/sellers/999999')).status).toBe(404);
  });

  it.each([[{}], [{ name: '' }], [{ name: 'x'.repeat(65) }], [{ name: 7 }], [{ name: 'ok', extra: true }]])(
    'rejects the seller %j with 400',
    async (body) => {
      expect((await suite.api.post('/api/sellers', body)).status).toBe(400);
    },
  );

  it('needs the bearer token', async () => {
    expect((await suite.api.as(null).post('/api/sellers', { name: 'x' })).status).toBe(401);
    expect((await suite.api.as(null).get('/api/sellers/1/chats')).status).toBe(401);
  });

  it('rotates a seller token: the old one stops working', async () => {
    const seller = await createSeller(suite.api, 'Rotator');
    const rotated = await suite.api.post(`/api/sellers/${seller.id}/tokens`);
    expect(rotated).toEqual({ status: 201, body: { token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) } });
    const tab = await SellerClient.connect(suite.server.url);
    expect(await tab.request('auth', { id: seller.id, token: seller.token })).toEqual([
      { command: 'auth', data: { id: seller.id, token: seller.token }, error: 'USER_NOT_FOUND' },
    ]);
    expect(await tab.request('auth', { id: seller.id, token: rotated.body.token })).toEqual([
      { command: 'auth', data: { name: 'Rotator', chats: {} } },
    ]);
    tab.close();
    expect((await suite.api.post('/api/sellers/999999/tokens')).status).toBe(404);
  });

  it("reads a seller's chats and one chat's messages, and nobody else's", async () => {
    const seller = await createSeller(suite.api, 'Reader');
    const other = await createSeller(suite.api, 'Nosy');
    const sellerTab = await SellerClient.connect(suite.server.url);
    await sellerTab.request('auth', { id: seller.id, token: seller.token });
    const client = await SellerClient.connect(suite.server.url);
    const [auth] = await client.request('auth', { name: 'Kim', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const [ack] = await client.request('message', { text: 'hello', clientDate: 1, chatId });
    await sellerTab.waitFor('message'); // the seller reads, then replies: its next frame is then its own ack
    const [reply] = await sellerTab.request('message', { text: 'hi Kim', clientDate: 2, chatId });

    expect(await suite.api.get(`/api/sellers/${seller.id}/chats`)).toEqual({
      status: 200,
      body: [{ id: chatId, client: { id: expect.any(Number), name: 'Kim' }, unread: 0, lastRead: 0 }],
    });
    expect((await suite.api.get(`/api/sellers/${seller.id}/chats/${chatId}/messages`)).body).toEqual([
      { id: ack.data.id, text: 'hello', date: ack.data.date, chatId, from: 'client' },
      { id: reply.data.id, text: 'hi Kim', date: reply.data.date, chatId, from: 'seller' },
    ]);
    expect((await suite.api.get(`/api/sellers/${other.id}/chats/${chatId}/messages`)).status).toBe(404);
    expect((await suite.api.get(`/api/sellers/${other.id}/chats`)).body).toEqual([]);
    sellerTab.close();
    client.close();
  });
});
