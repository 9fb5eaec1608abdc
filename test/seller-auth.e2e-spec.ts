import { describe, expect, it } from 'vitest';
import { createSeller } from './support/seller-client.js';
import { useTestServer } from './support/suite.js';

describe('seller chat auth (protocols.md §2.2)', () => {
  const suite = useTestServer();
  const connect = () => suite.sellerClient();

  it('creates a client by name: token and one empty chat, then the seller is offline', async () => {
    const seller = await createSeller(suite.api, 'Trainer');
    const client = await connect();
    const [auth, status] = await client.request('auth', { name: 'shoom', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    expect(auth).toEqual({
      command: 'auth',
      data: {
        token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        chats: { [chatId]: { chatter: 'Trainer', messages: [] } },
      },
    });
    expect(chatId).toBeGreaterThanOrEqual(1);
    expect(status).toEqual({ command: 'status', data: { chatId, status: false } });
    await suite.sync(client);
    expect(client.frames).toHaveLength(2);
    expect((await suite.api.get(`/api/sellers/${seller.id}/chats`)).body).toEqual([
      { id: chatId, client: { id: expect.any(Number), name: 'shoom' }, unread: 0, lastRead: 0 },
    ]);
  });

  it('tells an online seller of a new chat once, then that its client came online', async () => {
    const seller = await createSeller(suite.api, 'Seller One');
    const sellerTab = await connect();
    expect(await sellerTab.request('auth', { id: seller.id, token: seller.token })).toEqual([
      { command: 'auth', data: { name: 'Seller One', chats: {} } },
    ]);
    const client = await connect();
    const [auth, status] = await client.request('auth', { name: 'Ann', sellerId: String(seller.id) }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    expect(status).toEqual({ command: 'status', data: { chatId, status: true } });
    await sellerTab.waitFor('status');
    expect(sellerTab.frames.slice(1)).toEqual([
      { command: 'chat', data: { id: chatId, chatter: 'Ann' } },
      { command: 'status', data: { chatId, status: true } },
    ]);

    // Reconnecting with token and name together: the same client and chat, no second `chat` push.
    client.close();
    await sellerTab.waitFor('status', 2);
    const again = await connect();
    const [reauth, restatus] = await again.request(
      'auth',
      { token: auth.data.token, name: 'Ann', sellerId: seller.id },
      2,
    );
    expect(reauth).toEqual({
      command: 'auth',
      data: { name: 'Ann', chats: { [chatId]: { chatter: 'Seller One', messages: [] } } },
    });
    expect(restatus).toEqual({ command: 'status', data: { chatId, status: true } });
    await sellerTab.waitFor('status', 3);
    await suite.sync(sellerTab);
    expect(sellerTab.frames.slice(1)).toEqual([
      { command: 'chat', data: { id: chatId, chatter: 'Ann' } },
      { command: 'status', data: { chatId, status: true } },
      { command: 'status', data: { chatId, status: false } },
      { command: 'status', data: { chatId, status: true } },
    ]);
    expect((await suite.api.get(`/api/sellers/${seller.id}/chats`)).body).toHaveLength(1);
  });

  it('gives a seller all its chats with full history, marking its own messages, and no status after', async () => {
    const seller = await createSeller(suite.api, 'Busy');
    const sellerTab = await connect();
    await sellerTab.request('auth', { id: seller.id, token: seller.token });
    const first = await connect();
    const [firstAuth] = await first.request('auth', { name: 'first', sellerId: seller.id }, 2);
    const second = await connect();
    const [secondAuth] = await second.request('auth', { name: 'second', sellerId: seller.id }, 2);
    const firstChat = Number(Object.keys(firstAuth.data.chats)[0]);
    const secondChat = Number(Object.keys(secondAuth.data.chats)[0]);
    const [fromClient] = await first.request('message', {
      id: 0,
      text: 'hi',
      date: 0,
      clientDate: 1,
      chatId: String(firstChat),
      my: false,
    });
    // The seller has heard of both chats, both clients and the message before it answers (on a cluster these
    // pushes may still be on their way), so its next frame is its own ack.
    await Promise.all([sellerTab.waitFor('chat', 2), sellerTab.waitFor('status', 2), sellerTab.waitFor('message')]);
    const [fromSeller] = await sellerTab.request('message', { text: 'hello', clientDate: 2, chatId: firstChat });

    const laterTab = await connect();
    await laterTab.request('auth', { id: String(seller.id), token: seller.token });
    await suite.sync(laterTab);
    expect(laterTab.frames).toEqual([
      {
        command: 'auth',
        data: {
          name: 'Busy',
          chats: {
            [firstChat]: {
              chatter: 'first',
              messages: [
                { id: fromClient.data.id, text: 'hi', date: fromClient.data.date },
                { id: fromSeller.data.id, text: 'hello', date: fromSeller.data.date, my: true },
              ],
            },
            [secondChat]: { chatter: 'second', messages: [] },
          },
        },
      },
    ]);
    expect(fromSeller.data.id).toBeGreaterThan(fromClient.data.id);
  });

  it.each([
    ['an unknown token', { token: 'nope', sellerId: 1 }, 'USER_NOT_FOUND'],
    ['the literal "null" a first visit stores', { token: 'null', name: 'x', sellerId: 1 }, 'USER_NOT_FOUND'],
    ['a token that is not a string', { token: 42, sellerId: 1 }, 'USER_NOT_FOUND'],
    ['neither token nor name', { sellerId: 1 }, 'USER_NOT_FOUND'],
    ['a blank name', { name: '   ', sellerId: 1 }, 'USER_NOT_FOUND'],
    ['no data at all', undefined, 'USER_NOT_FOUND'],
    ['a name without sellerId', { name: 'x' }, 'CHAT_NOT_FOUND'],
    ['an unknown sellerId', { name: 'x', sellerId: 999_999 }, 'CHAT_NOT_FOUND'],
    ['a sellerId that is not an id', { name: 'x', sellerId: 'abc' }, 'CHAT_NOT_FOUND'],
    ['seller mode with an unknown token', { id: 1, token: 'nope' }, 'USER_NOT_FOUND'],
    ['seller mode without a token', { id: 1 }, 'USER_NOT_FOUND'],
  ])('refuses %s', async (_, data, error) => {
    const client = await connect();
    expect(await client.request('auth', data)).toEqual([{ command: 'auth', data: data ?? {}, error }]);
    await suite.sync(client);
    expect(client.frames).toHaveLength(1);
  });

  it('refuses a name auth to a client as if it were a seller, and writes nothing for it', async () => {
    const seller = await createSeller(suite.api, 'Genuine');
    const clientIds = async () =>
      (await suite.api.get(`/api/sellers/${seller.id}/chats`)).body.map(
        (chat: { client: { id: number } }) => chat.client.id,
      );
    await (await connect()).request('auth', { name: 'first', sellerId: seller.id }, 2);
    const [first] = await clientIds();

    const stray = await connect();
    const refused = { name: 'stray', sellerId: first };
    expect(await stray.request('auth', refused)).toEqual([{ command: 'auth', data: refused, error: 'CHAT_NOT_FOUND' }]);

    // Ids are handed out in order: the next client gets the id right after the first, so none went to "stray".
    await (await connect()).request('auth', { name: 'second', sellerId: seller.id }, 2);
    expect(await clientIds()).toEqual([first, first + 1]);
  });

  it('refuses a seller token used as a client, and a client or foreign token used as a seller', async () => {
    const seller = await createSeller(suite.api, 'Real');
    const other = await createSeller(suite.api, 'Other');
    const client = await connect();
    const [auth] = await client.request('auth', { name: 'c', sellerId: seller.id }, 2);
    const probe = await connect();
    const cases: [unknown, string][] = [
      [{ token: seller.token, sellerId: seller.id }, 'USER_NOT_FOUND'],
      [{ id: seller.id, token: auth.data.token }, 'USER_IS_NOT_SELLER'],
      [{ id: seller.id, token: other.token }, 'USER_IS_NOT_SELLER'],
    ];
    for (const [data, error] of cases)
      expect(await probe.request('auth', data)).toEqual([{ command: 'auth', data, error }]);
    expect((await suite.api.get(`/api/sellers/${seller.id}/chats`)).body).toHaveLength(1);
  });

  it('lets a client with chats at two sellers see each chat only on the connection told about it', async () => {
    const a = await createSeller(suite.api, 'A');
    const b = await createSeller(suite.api, 'B');
    const sellerB = await connect();
    await sellerB.request('auth', { id: b.id, token: b.token });
    const atA = await connect();
    const [authA] = await atA.request('auth', { name: 'roamer', sellerId: a.id }, 2);
    const atB = await connect();
    const [authB, statusB] = await atB.request('auth', { token: authA.data.token, sellerId: b.id }, 2);
    const chatB = Number(Object.keys(authB.data.chats)[0]);
    expect(authB).toEqual({
      command: 'auth',
      data: { name: 'roamer', chats: { [chatB]: { chatter: 'B', messages: [] } } },
    });
    expect(statusB).toEqual({ command: 'status', data: { chatId: chatB, status: true } });
    expect(await sellerB.waitFor('chat')).toEqual([{ command: 'chat', data: { id: chatB, chatter: 'roamer' } }]);

    const [ack] = await sellerB.request('message', { text: 'for roamer', clientDate: 5, chatId: chatB });
    expect(ack.error).toBeUndefined();
    expect(await atB.waitFor('message')).toEqual([
      { command: 'message', data: { id: ack.data.id, text: 'for roamer', date: ack.data.date, chatId: chatB } },
    ]);
    await suite.sync(atA);
    expect(atA.frames).toHaveLength(2);
  });

  it('re-binds a connection on a second auth', async () => {
    const seller = await createSeller(suite.api, 'Rebind');
    const sellerTab = await connect();
    await sellerTab.request('auth', { id: seller.id, token: seller.token });
    const tab = await connect();
    const [first] = await tab.request('auth', { name: 'one', sellerId: seller.id }, 2);
    const [second] = await tab.request('auth', { name: 'two', sellerId: seller.id }, 2);
    const firstChat = Number(Object.keys(first.data.chats)[0]);
    const secondChat = Number(Object.keys(second.data.chats)[0]);
    await sellerTab.waitFor('status', 3);
    expect(sellerTab.frames.slice(1)).toEqual([
      { command: 'chat', data: { id: firstChat, chatter: 'one' } },
      { command: 'status', data: { chatId: firstChat, status: true } },
      { command: 'status', data: { chatId: firstChat, status: false } },
      { command: 'chat', data: { id: secondChat, chatter: 'two' } },
      { command: 'status', data: { chatId: secondChat, status: true } },
    ]);
    // The connection now speaks as "two": chat one is not its own any more.
    expect(await tab.request('message', { text: 'x', clientDate: 1, chatId: firstChat })).toEqual([
      { command: 'message', data: { text: 'x', clientDate: 1, chatId: firstChat }, error: 'CHAT_NOT_FOUND' },
    ]);
  });
});
