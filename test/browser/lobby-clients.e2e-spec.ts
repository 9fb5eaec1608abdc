import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_GENERATIONS, launchChromium, type PageServer, startPageServer } from '../support/browser.js';
import { LobbyClient } from '../support/lobby-client.js';
import { startServer, type TestServer, uniqueUname } from '../support/server.js';

/** test/support/lobby-page.js, as the page holds it. */
declare const lobby: {
  connect(url: string, options: Record<string, unknown>, timeoutMs: number): Promise<void>;
  emit(event: string, payload: unknown): Promise<unknown[]>;
  emitUnanswered(event: string, payload: unknown): void;
  received: [event: string, payload: unknown][];
  transport(): string;
  close(): void;
};

// The client's own defaults otherwise, as a page has them: polling first, then the upgrade.
const cases = CLIENT_GENERATIONS.flatMap(({ version }) => [
  { version, mode: 'polling only', options: { transports: ['polling'] }, transport: 'polling' },
  { version, mode: 'the websocket upgrade', options: {}, transport: 'websocket' },
]);

describe('lobby widgets in Chromium on every socket.io-client generation, from another origin', () => {
  let server: TestServer;
  let pages: PageServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let watcher: LobbyClient | undefined;

  beforeAll(async () => {
    [server, pages, browser] = await Promise.all([startServer(), startPageServer(), launchChromium()]);
  });
  afterEach(async () => {
    watcher?.close();
    await context?.close();
  });
  afterAll(async () => {
    await browser?.close();
    await pages?.close();
    await server?.close();
  });

  for (const { version, mode, options, transport } of cases) {
    it(`socket.io-client ${version} over ${mode}`, async () => {
      const appId = await server.api.createApp();
      const [other, user] = await Promise.all([
        // A mod: Chatgate's moderation events flow while the old client runs.
        server.api.createUser(uniqueUname('other'), 'mod'),
        server.api.createUser(uniqueUname('widget')),
      ]);
      const otherMember = { id: other.id, uname: other.uname, role: 'mod' };
      const member = { id: user.id, uname: user.uname, role: 'member' };
      const message = (author: { uname: string }, text: string) => ({
        id: expect.any(Number),
        user: { uname: author.uname, role: author === other ? 'mod' : 'member' },
        text,
      });
      watcher = await LobbyClient.connect(server.url);
      expect((await watcher.auth({ app_id: appId, hashed_token: other.hashedToken }))[0]).toBeNull();
      expect(await watcher.say('said before the widget came')).toEqual([]);
      const [before] = await watcher.waitFor('new_message');
      expect(before).toEqual(message(other, 'said before the widget came'));

      context = await browser.newContext();
      const page = await context.newPage();
      page.setDefaultTimeout(5000);
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      // A client that cannot read its handshake starts new sessions over and over: count them.
      const handshakes: string[] = [];
      const websockets: string[] = [];
      page.on('request', (request) => {
        const url = new URL(request.url());
        if (url.pathname === '/socket.io/' && !url.searchParams.has('sid')) handshakes.push(url.search);
      });
      page.on('websocket', (socket) => websockets.push(socket.url()));
      await page.goto(pages.pageUrl(version));

      await page.evaluate(([url, opts]) => lobby.connect(url, opts, 5000), [server.url, options] as const);
      const auth = { app_id: appId, hashed_token: user.hashedToken };
      const room = {
        users: { [other.uname]: otherMember, [user.uname]: member },
        history: [before],
        muteList: {},
        slowMode: 0,
      };
      expect(await page.evaluate((payload) => lobby.emit('auth', payload), auth)).toEqual([
        null,
        { user: member, room },
      ]);
      expect(await watcher.waitFor('user_joined')).toEqual([member]);
      if (transport === 'websocket') await page.waitForFunction(() => lobby.transport() === 'websocket');

      expect(await watcher.say('live from another client')).toEqual([]);
      const [, live] = (await watcher.waitFor('new_message', 2)) as { id: number }[];
      expect(live).toEqual(message(other, 'live from another client'));
      await page.waitForFunction(() => lobby.received.length >= 1);
      const text = `from socket.io-client ${version}`;
      expect(await page.evaluate((message) => lobby.emit('new_message', message), text)).toEqual([]);
      const [, , posted] = await watcher.waitFor('new_message', 3);
      expect(posted).toEqual(message(user, text));
      await page.waitForFunction(() => lobby.received.length >= 2);
      expect(await page.evaluate(() => lobby.received)).toEqual([
        ['new_message', live],
        ['new_message', posted],
      ]);
      expect(await page.evaluate(() => lobby.transport())).toBe(transport);

      // Slow mode, a refusal, a deletion for everyone (docs/moderation.md), as this generation receives them.
      watcher.socket.emit('new_message', '/slow 3600');
      await page.waitForFunction(() => lobby.received.length >= 3);
      expect(await page.evaluate((m) => lobby.emit('new_message', m), 'under slow mode')).toEqual([]);
      const [, , , slowPost] = await watcher.waitFor('new_message', 4);
      expect(slowPost).toEqual(message(user, 'under slow mode'));
      await page.evaluate((m) => lobby.emitUnanswered('new_message', m), 'one too many');
      await page.waitForFunction(() => lobby.received.length >= 5);
      watcher.socket.emit('new_message', `/delete ${live.id}`);
      watcher.socket.emit('new_message', '/slow 0');
      await page.waitForFunction(() => lobby.received.length >= 7);
      const slowOn = 'Slow mode is on: one message every 3600 s';
      expect(await page.evaluate(() => lobby.received)).toEqual([
        ['new_message', live],
        ['new_message', posted],
        ['system_message', slowOn],
        ['new_message', slowPost],
        ['system_message', 'Slow mode is on: wait 3600 s'],
        ['message_deleted', { id: live.id }],
        ['system_message', 'Slow mode is off'],
      ]);
      await watcher.waitFor('system_message', 3);

      await page.evaluate(() => lobby.close());
      expect(await watcher.waitFor('user_left')).toEqual([member]);
      expect(watcher.received).toEqual([
        ['new_message', before],
        ['user_joined', member],
        ['new_message', live],
        ['new_message', posted],
        ['system_message', slowOn],
        ['new_message', slowPost],
        ['message_deleted', { id: live.id }],
        ['system_message', `Message ${live.id} deleted`],
        ['system_message', 'Slow mode is off'],
        ['user_left', member],
      ]);
      expect(pageErrors).toEqual([]);
      expect(handshakes).toHaveLength(1);
      expect(websockets).toHaveLength(transport === 'websocket' ? 1 : 0);
    });
  }
});
