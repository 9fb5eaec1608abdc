import { describe, expect, it } from 'vitest';
import { createSeller } from './support/seller-client.js';
import { uniqueUname } from './support/server.js';
import { useTestServer } from './support/suite.js';

describe('auth replies stay bounded', () => {
  const suite = useTestServer({ SELLER_AUTH_CHATS: '2', SELLER_AUTH_MESSAGES_PER_CHAT: '3', LOBBY_HISTORY_SIZE: '2' });

  it("gives a seller its newest SELLER_AUTH_CHATS chats with each one's newest SELLER_AUTH_MESSAGES_PER_CHAT messages", async () => {
    const seller = await createSeller(suite.api, 'Busy');
    const tab = await suite.sellerClient();
    await tab.request('auth', { id: seller.id, token: seller.token });
    const chats: { chatId: number; token: string; ids: number[] }[] = [];
    for (const name of ['old', 'middle', 'new']) {
      const client = await suite.sellerClient();
      const [auth] = await client.request('auth', { name, sellerId: seller.id }, 2);
      const chatId = Number(Object.keys(auth.data.chats)[0]);
      const ids: number[] = [];
      for (let i = 1; i <= 5; i++)
        ids.push((await client.request('message', { text: `${name} ${i}`, clientDate: i, chatId }))[0].data.id);
      chats.push({ chatId, token: auth.data.token, ids });
      client.close();
    }

    const [reply] = await (await suite.sellerClient()).request('auth', { id: seller.id, token: seller.token });
    const newest = (name: string, chat: (typeof chats)[number], my?: true) => ({
      chatter: name,
      messages: [3, 4, 5].map((i) => ({
        id: chat.ids[i - 1],
        text: `${name} ${i}`,
        date: expect.any(Number),
        ...(my ? { my } : {}),
      })),
    });
    expect(reply.data).toEqual({
      name: 'Busy',
      chats: { [chats[1].chatId]: newest('middle', chats[1]), [chats[2].chatId]: newest('new', chats[2]) },
    });

    const [again] = await (
      await suite.sellerClient()
    ).request('auth', { token: chats[0].token, name: 'old', sellerId: seller.id }, 2);
    expect(again.data.chats[chats[0].chatId]).toEqual({
      chatter: 'Busy',
      messages: newest('old', chats[0], true).messages,
    });
    // A chat the seller's reply left out is still the seller's to write to. Every status push (each client on and
    // off, then "old" on again) is in first: from another instance it can come late, and would be taken as the answer.
    await tab.waitFor('status', 7);
    const [answer] = await tab.request('message', { text: 'still here', clientDate: 1, chatId: chats[0].chatId });
    expect(answer.data).toEqual({
      id: answer.data.id,
      text: 'still here',
      date: expect.any(Number),
      chatId: chats[0].chatId,
      clientDate: 1,
      my: true,
    });
  });

  it('gives a lobby reader the newest LOBBY_HISTORY_SIZE messages', async () => {
    const appId = await suite.api.createApp();
    const user = await suite.api.createUser(uniqueUname('talker'));
    const talker = await suite.joinLobby(appId, user.hashedToken);
    for (const text of ['a', 'b', 'c']) expect(await talker.say(text)).toEqual([]);
    const reader = await suite.joinLobby(appId);
    expect(reader.data.room.history.map((m: { text: string }) => m.text)).toEqual(['b', 'c']);
  });
});
