import type { Page } from 'playwright-core';
import type { Server } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { LobbyGateway } from '../../src/lobby/lobby.gateway.js';
import { useWidgetPages } from '../support/embedding-site.js';
import { LobbyClient } from '../support/lobby-client.js';
import { createSeller, SellerClient } from '../support/seller-client.js';
import { chatLog } from '../support/seller-widget-page.js';
import { uniqueUname } from '../support/server.js';
import { startTestingApp } from '../support/testing-app.js';
import { eventually } from '../support/browser.js';

/** The lobby gateway's socket.io server (private to it): the test reaches in to drop the widget's connection. */
interface ServerHolder {
  server: Server;
}

/** What the seller widget's page holds: every WebSocket it opened (an init script keeps them). */
declare const window: { sockets: { close(): void }[]; WebSocket: new (url: string, protocols?: string[]) => object };

/**
 * The project's widgets on a reconnect (docs/recovery.md): they send `since`, merge what they missed, and show "some
 * messages may be missing" when the server says `recovered: false` (here past RECOVERY_MAX_MESSAGES = 2).
 */
describe('the widgets catching up after a drop, in Chromium', () => {
  const pages = useWidgetPages(() => startTestingApp({ env: { RECOVERY_MAX_MESSAGES: '2' } }));

  const log = (page: Page) => page.locator('#chat .cg-log .cg-msg .cg-text').allTextContents();

  async function widget(appId: number): Promise<{ page: Page; drop: () => void }> {
    const url = pages.site.pageUrl('lobby', { appId });
    const page = await (await pages.profile()).newPage();
    // Time runs as usual, and jumps forward when a test says so (page.clock.fastForward).
    await page.clock.install();
    await page.goto(url);
    await eventually(() => page.locator('#chat .cg-state').textContent()).toBe('Reading anonymously');
    const siteOrigin = new URL(url).origin;
    const drop = () => {
      const { server } = pages.server.app.get(LobbyGateway) as unknown as ServerHolder;
      [...server.of('/').sockets.values()]
        .filter((socket) => socket.handshake.headers.origin === siteOrigin)
        .forEach((socket) => socket.conn.close());
    };
    return { page, drop };
  }

  async function writer(appId: number): Promise<LobbyClient> {
    const user = await pages.server.api.createUser(uniqueUname('writer'));
    return LobbyClient.join(pages.server.url, appId, user.hashedToken);
  }

  it('gets back every message it missed and shows no notice when they fit', async () => {
    const appId = await pages.server.api.createApp();
    const author = await writer(appId);
    const { page, drop } = await widget(appId);
    expect(await author.say('before')).toEqual([]);
    await eventually(() => log(page)).toEqual(['before']);
    // The widget asks only from messages it has held for half a second (transcript.js): let 'before' settle.
    await page.clock.fastForward(600);
    drop();
    await eventually(() => page.locator('#chat .cg-state').textContent()).toBe('Disconnected: reconnecting…');
    for (const text of ['missed 1', 'missed 2']) expect(await author.say(text)).toEqual([]);
    await eventually(() => log(page)).toEqual(['before', 'missed 1', 'missed 2']);
    expect(await page.locator('#chat .cg-gap').isVisible()).toBe(false);
    author.close();
  });

  it('shows "some messages may be missing" with a reload button when the gap was larger than the server resends', async () => {
    const appId = await pages.server.api.createApp();
    const author = await writer(appId);
    const { page, drop } = await widget(appId);
    expect(await author.say('before')).toEqual([]);
    await eventually(() => log(page)).toEqual(['before']);
    await page.clock.fastForward(600); // as above: 'before' becomes the widget's `since`
    drop();
    await eventually(() => page.locator('#chat .cg-state').textContent()).toBe('Disconnected: reconnecting…');
    for (const text of ['missed 1', 'missed 2', 'missed 3']) expect(await author.say(text)).toEqual([]);
    await eventually(() => log(page)).toEqual(['before', 'missed 2', 'missed 3']);
    await eventually(() => page.locator('#chat .cg-gap').isVisible()).toBe(true);
    expect(await page.locator('#chat .cg-gap').textContent()).toBe('Some messages may be missing. Reload');
    expect(await page.locator('#chat .cg-gap button').textContent()).toBe('Reload');
    author.close();
  });

  it('shows the seller widget the same notice when a chat missed more than the server resends', async () => {
    const seller = await createSeller(pages.server.api, 'Shop');
    // Another tab of the seller keeps it online while the widget is away, so the client may write.
    const tab = await SellerClient.connect(pages.server.url);
    await tab.request('auth', { id: seller.id, token: seller.token });
    const client = await SellerClient.connect(pages.server.url);
    const [auth] = await client.request('auth', { name: 'buyer', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    let clientDate = 0;
    const say = async (text: string) =>
      expect((await client.request('message', { text, clientDate: ++clientDate, chatId }))[0].error).toBeUndefined();
    await say('before');

    const context = await pages.profile();
    // Keeps each WebSocket the page opens, so the test can drop one as a network would.
    await context.addInitScript(() => {
      const Native = window.WebSocket;
      window.sockets = [];
      window.WebSocket = class extends Native {
        constructor(url: string, protocols?: string[]) {
          super(url, protocols);
          window.sockets.push(this as unknown as { close(): void });
        }
      };
    });
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(pages.site.pageUrl('seller-chat', { id: seller.id, token: seller.token }));
    await eventually(() => page.locator('#chat .cg-state').textContent()).toBe('Signed in as Shop');
    await page.click('#chat .cg-chat-button');
    await eventually(() => chatLog(page)).toEqual(['< before']);
    await page.clock.fastForward(600); // 'before' becomes the chat's `since` (transcript.js)

    await page.evaluate(() => window.sockets[0].close());
    await eventually(() => page.locator('#chat .cg-state').textContent()).toBe('Disconnected: reconnecting in 1 s…');
    for (const text of ['missed 1', 'missed 2', 'missed 3']) await say(text);
    await eventually(() => chatLog(page)).toEqual(['< before', '< missed 2', '< missed 3']);
    await eventually(() => page.locator('#chat .cg-gap').isVisible()).toBe(true);
    expect(await page.locator('#chat .cg-gap').textContent()).toBe('Some messages may be missing. Reload');
    tab.close();
    client.close();
  });
});
