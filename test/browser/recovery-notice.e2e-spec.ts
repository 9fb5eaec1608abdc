import type { Page } from 'playwright-core';
import type { Server } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { LobbyGateway } from '../../src/lobby/lobby.gateway.js';
import { useWidgetPages } from '../support/embedding-site.js';
import { LobbyClient } from '../support/lobby-client.js';
import { uniqueUname } from '../support/server.js';
import { startTestingApp } from '../support/testing-app.js';

const until = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 5000 });

/** The lobby gateway's socket.io server (private to it): the test reaches in to drop the widget's connection. */
interface ServerHolder {
  server: Server;
}

/**
 * The project's lobby widget on a reconnect (docs/recovery.md): it sends `since`, merges what it missed, and shows
 * "some messages may be missing" when the server says `recovered: false` (here past RECOVERY_MAX_MESSAGES = 2).
 */
describe('the lobby widget catching up after a drop, in Chromium', () => {
  const pages = useWidgetPages(() => startTestingApp({ env: { RECOVERY_MAX_MESSAGES: '2' } }));

  const log = (page: Page) => page.locator('#chat .cg-log .cg-msg .cg-text').allTextContents();

  async function widget(appId: number): Promise<{ page: Page; drop: () => void }> {
    const url = pages.site.pageUrl('lobby', { appId });
    const page = await (await pages.profile()).newPage();
    await page.goto(url);
    await until(() => page.locator('#chat .cg-state').textContent()).toBe('Reading anonymously');
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
    await until(() => log(page)).toEqual(['before']);
    // The widget asks only from messages it has held for half a second (transcript.js): let 'before' settle.
    await page.waitForTimeout(600);
    drop();
    await until(() => page.locator('#chat .cg-state').textContent()).toBe('Disconnected: reconnecting…');
    for (const text of ['missed 1', 'missed 2']) expect(await author.say(text)).toEqual([]);
    await until(() => log(page)).toEqual(['before', 'missed 1', 'missed 2']);
    expect(await page.locator('#chat .cg-gap').isVisible()).toBe(false);
    author.close();
  });

  it('shows "some messages may be missing" with a reload button when the gap was larger than the server resends', async () => {
    const appId = await pages.server.api.createApp();
    const author = await writer(appId);
    const { page, drop } = await widget(appId);
    expect(await author.say('before')).toEqual([]);
    await until(() => log(page)).toEqual(['before']);
    await page.waitForTimeout(600); // as above: 'before' becomes the widget's `since`
    drop();
    await until(() => page.locator('#chat .cg-state').textContent()).toBe('Disconnected: reconnecting…');
    for (const text of ['missed 1', 'missed 2', 'missed 3']) expect(await author.say(text)).toEqual([]);
    await until(() => log(page)).toEqual(['before', 'missed 2', 'missed 3']);
    await until(() => page.locator('#chat .cg-gap').isVisible()).toBe(true);
    expect(await page.locator('#chat .cg-gap').textContent()).toBe('Some messages may be missing. Reload');
    expect(await page.locator('#chat .cg-gap button').textContent()).toBe('Reload');
    author.close();
  });
});
