import { describe, expect, it } from 'vitest';
import { createSeller } from './support/seller-client.js';
import { uniqueUname } from './support/server.js';
import { useTestServer } from './support/suite.js';

const UNSTORABLE = ['nul \u0000 inside', 'lone high \uD800 surrogate', 'lone low \uDC00 surrogate'];
const INVISIBLE = '\u200B\u200C\u200D\u2060\uFEFF\u3164';
const VERBATIM = [
  '<script>alert(1)</script> &amp; <b>bold</b>',
  '\'; DROP TABLE messages; -- " OR 1=1',
  'emoji 😀 and ünïcödé',
];

describe('text rules, the same on every database', () => {
  const suite = useTestServer({ SELLER_MESSAGE_MAX: '20' });

  it('refuses NUL, lone surrogates and invisible-only text in the lobby with the length error, storing nothing', async () => {
    const appId = await suite.api.createApp();
    const user = await suite.api.createUser(uniqueUname('writer'));
    const sender = await suite.joinLobby(appId, user.hashedToken);
    for (const text of [...UNSTORABLE, INVISIBLE, ` ${INVISIBLE} `]) sender.emitTrackingAck('new_message', text);
    expect(await sender.waitFor('client_error', 5)).toEqual(Array(5).fill('`new_message` text must be 1-140 chars'));
    await suite.sync(sender);
    expect(sender.events('new_message')).toEqual([]);
    expect((await suite.api.get(`/api/apps/${appId}/messages`)).body).toEqual([]);
    expect(await sender.say('still fine')).toEqual([]);
  });

  it('stores HTML- and SQL-looking lobby text verbatim and returns it so', async () => {
    const appId = await suite.api.createApp();
    const user = await suite.api.createUser(uniqueUname('markup'));
    const sender = await suite.joinLobby(appId, user.hashedToken);
    for (const text of VERBATIM) expect(await sender.say(text)).toEqual([]);
    expect((await sender.waitFor('new_message', 3)).map((m) => (m as { text: string }).text)).toEqual(VERBATIM);
    const reader = await suite.joinLobby(appId);
    expect(reader.data.room.history.map((m: { text: string }) => m.text)).toEqual(VERBATIM);
  });

  it('answers unstorable or invisible seller-chat text TEXT_IS_REQUIRED and long text TEXT_IS_TOO_LONG; keeps markup verbatim', async () => {
    const seller = await createSeller(suite.api, 'Texts');
    const tab = await suite.sellerClient();
    await tab.request('auth', { id: seller.id, token: seller.token });
    const client = await suite.sellerClient();
    const [auth] = await client.request('auth', { name: 'typist', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    for (const text of [...UNSTORABLE, INVISIBLE]) {
      const data = { text, clientDate: 1, chatId };
      expect(await client.request('message', data)).toEqual([{ command: 'message', data, error: 'TEXT_IS_REQUIRED' }]);
    }
    const long = { text: 'x'.repeat(21), clientDate: 2, chatId };
    expect(await client.request('message', long)).toEqual([
      { command: 'message', data: long, error: 'TEXT_IS_TOO_LONG' },
    ]);
    expect(
      (await client.request('message', { text: '😀'.repeat(20), clientDate: 3, chatId }))[0].error,
    ).toBeUndefined();

    const markup = ['<b>x</b>&amp;', "'; DROP TABLE x;--"];
    for (const [i, text] of markup.entries()) {
      const [ack] = await client.request('message', { text, clientDate: 10 + i, chatId });
      expect(ack.data).toEqual({
        id: expect.any(Number),
        text,
        date: expect.any(Number),
        chatId,
        clientDate: 10 + i,
        my: true,
      });
    }
    // The second auth reply, whatever pushes (on a cluster, late ones) arrived around it.
    tab.send('auth', { id: seller.id, token: seller.token });
    const [, again] = await tab.waitFor('auth', 2);
    expect(again.data.chats[chatId].messages.map((m: { text: string }) => m.text)).toEqual([
      '😀'.repeat(20),
      ...markup,
    ]);
  });

  it('ignores a 5,000-level nested seller frame and answers a 40,000-level REST body 400', async () => {
    const seller = await createSeller(suite.api, 'Deep');
    const tab = await suite.sellerClient();
    const deep = '['.repeat(5000) + ']'.repeat(5000); // within SELLER_MAX_FRAME_BYTES
    tab.socket.send(`{"command":"message","data":${deep}}`);
    tab.socket.send(`{"command":"auth","data":{"id":${seller.id},"token":"x","deep":${deep}}}`);
    const [reply] = await tab.request('auth', { id: seller.id, token: seller.token });
    expect(reply).toEqual({ command: 'auth', data: { name: 'Deep', chats: {} } });
    expect(tab.frames).toHaveLength(1);

    const body = '['.repeat(40_000) + ']'.repeat(40_000);
    const response = await fetch(`${suite.server.url}/api/apps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${suite.api['token']}`, 'content-type': 'application/json' },
      body: `{"name":"x","owners":${body}}`,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toBe('body nested deeper than 32 levels');
    expect((await suite.api.get('/api/apps')).status).toBe(200);
  });
});
