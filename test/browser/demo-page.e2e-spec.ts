import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { Server } from 'socket.io';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DemoCredentials } from '../../src/demo/demo.service.js';
import { LobbyGateway } from '../../src/lobby/lobby.gateway.js';
import { useWidgetPages } from '../support/embedding-site.js';
import { startTestingApp } from '../support/testing-app.js';
import { eventually } from '../support/browser.js';

const SCREENSHOT = new URL('../../docs/demo.png', import.meta.url);
/** `npm run screenshot` refreshes docs/demo.png; `npm test` leaves the tracked file alone. */
const SAVE_SCREENSHOT = process.env.SAVE_SCREENSHOT === '1';

/** The lobby widget's log as a person reads it: `author [badge]: text` for messages, `(kind) text` for the rest. */
function lobbyLog(page: Page, root = '#lobby'): Promise<string[]> {
  return page.locator(`${root} .cg-log li`).evaluateAll((items) =>
    items.map((li) => {
      if (!li.classList.contains('cg-msg')) return `(${li.className.replace('cg-line cg-', '')}) ${li.textContent}`;
      const badge = li.querySelector('.cg-badge');
      return `${li.querySelector('.cg-author')!.textContent}${badge ? ` [${badge.textContent}]` : ''}: ${li.querySelector('.cg-text')!.textContent}`;
    }),
  );
}

function lobbyUsers(page: Page): Promise<string[]> {
  return page
    .locator('#lobby .cg-users li')
    .evaluateAll((items) =>
      items.map((li) =>
        [...li.children]
          .map((part) => (part.classList.contains('cg-name') ? part.textContent : `[${part.textContent}]`))
          .join(' '),
      ),
    );
}

/** The lobby gateway's socket.io server (private to it): a test reaches in to drop connections. */
interface ServerHolder {
  server: Server;
}

/** The embedded widget and what the test counts of its events, in the page. */
declare const window: { chat: { on(event: string, handler: () => void): void }; counted: Record<string, number> };

const text = (page: Page, selector: string) => page.locator(selector).textContent();
const tail = async (page: Page, n: number) => (await lobbyLog(page)).slice(-n);

describe('the demo page at / and the lobby widget, in Chromium', () => {
  const pages = useWidgetPages(() => startTestingApp({ env: { DEMO: 'true' } }));
  let demo: DemoCredentials;

  beforeAll(async () => {
    demo = (await pages.server.api.get('/demo/config.json')).body;
  });

  /** A fresh browser profile on `url`. */
  async function open(url: string): Promise<Page> {
    const page = await (await pages.profile({ viewport: { width: 1400, height: 820 } })).newPage();
    await page.goto(url);
    return page;
  }

  async function demoPage(as?: string): Promise<Page> {
    const page = await open(`${pages.server.url}/${as ? `?as=${as}` : ''}`);
    await eventually(() => text(page, '#lobby .cg-state')).toBe(as ? `Signed in as ${as}` : 'Reading anonymously');
    return page;
  }

  async function say(page: Page, message: string): Promise<void> {
    await page.fill('#lobby .cg-input', message);
    await page.press('#lobby .cg-input', 'Enter');
  }

  // First, while the lobby holds only what a newcomer would see.
  it('shows both chats in use (the screenshot docs/demo.png shows)', async () => {
    const bob = await demoPage('bob');
    await say(bob, 'Anyone tried the new table?');
    const page = await demoPage('alice');
    await say(page, 'Yes, it is fun!');
    await eventually(() => tail(page, 1)).toEqual(['alice: Yes, it is fun!']);

    await page.fill('#client .cg-name-input', 'shoom');
    await page.press('#client .cg-name-input', 'Enter');
    await eventually(() => text(page, '#client .cg-state')).toBe('Chatting as shoom');
    await page.fill('#client .cg-input', 'Is the blue one in stock?');
    await page.press('#client .cg-input', 'Enter');
    await eventually(() => text(page, '#seller .cg-unread')).toBe('1');
    await page.click('#seller .cg-chat-button');
    await page.fill('#seller .cg-input', 'Yes, two left.');
    await page.press('#seller .cg-input', 'Enter');
    await eventually(() => page.locator('#client .cg-theirs .cg-text').allTextContents()).toEqual(['Yes, two left.']);

    await page.setViewportSize({ width: 1400, height: 500 });
    const png = await page.screenshot();
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    if (SAVE_SCREENSHOT) writeFileSync(SCREENSHOT, png);
  });

  it('serves the page under a Content-Security-Policy without inline script; readers see the lobby anonymously', async () => {
    const response = await fetch(`${pages.server.url}/`);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(await response.text()).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>| on[a-z]+=/);

    const reader = await demoPage();
    expect(await reader.locator('#lobby .cg-input').isDisabled()).toBe(true);
    expect(await reader.locator('#lobby .cg-input').getAttribute('placeholder')).toBe(
      'Reading anonymously: no user to write as',
    );
    expect(await text(reader, '#lobby .cg-users-title')).toBe('Here now (0)');
  });

  it('lets two pages chat in one lobby, and the send box stays usable after each send', async () => {
    const [alice, bob] = [await demoPage('alice'), await demoPage('bob')];
    await eventually(() => lobbyUsers(alice)).toEqual(['alice', 'bob']);
    expect(await text(alice, '#lobby .cg-users-title')).toBe('Here now (2)');

    await say(alice, '  hello bob  ');
    await eventually(() => tail(bob, 1)).toEqual(['alice: hello bob']);
    await eventually(() => alice.inputValue('#lobby .cg-input')).toBe('');
    await say(bob, 'hi alice');
    await say(bob, 'how are you?');
    await eventually(() => tail(alice, 3)).toEqual(['alice: hello bob', 'bob: hi alice', 'bob: how are you?']);
    await eventually(() => tail(bob, 3)).toEqual(['alice: hello bob', 'bob: hi alice', 'bob: how are you?']);
    expect(await text(bob, '#lobby .cg-count')).toBe('0/140');

    await bob.close();
    await eventually(() => lobbyUsers(alice)).toEqual(['alice']);
  });

  it('shows a muted user why they cannot post, and keeps what they typed', async () => {
    const [mia, bob] = [await demoPage('mia'), await demoPage('bob')];
    await eventually(() => lobbyUsers(bob)).toEqual(['bob', 'mia [mod]']);

    await say(mia, '/mute bob 10');
    // The broadcast and the reply to the sender may arrive in either order.
    await eventually(async () => (await tail(mia, 2)).sort()).toEqual([
      '(event) bob was muted for 10 minutes',
      '(system) User "bob" muted for 10 minutes',
    ]);
    expect(await mia.inputValue('#lobby .cg-input')).toBe('');
    await eventually(() => tail(bob, 1)).toEqual(['(event) bob was muted for 10 minutes']);
    expect(await lobbyUsers(bob)).toEqual(['bob [muted]', 'mia [mod]']);
    expect(await text(bob, '#lobby .cg-mutes-title')).toBe('Muted (1)');
    expect(await text(bob, '#lobby .cg-notice')).toMatch(
      /^You are muted until \d\d:\d\d( [AP]M)?: messages you send are refused\.$/,
    );

    await say(bob, 'am I muted?');
    await eventually(() => tail(bob, 1)).toEqual(['(system) You are muted']);
    expect(await bob.inputValue('#lobby .cg-input')).toBe('am I muted?');

    await say(mia, '/unmute bob');
    await eventually(() => tail(bob, 1)).toEqual(['(event) bob was unmuted']);
    expect(await text(bob, '#lobby .cg-notice')).toBe('');
    expect(await lobbyUsers(bob)).toEqual(['bob', 'mia [mod]']);
  });

  it('gives staff a delete control that removes a message for everyone, and shows slow mode and its wait', async () => {
    const [mia, bob] = [await demoPage('mia'), await demoPage('bob')];
    const errors: string[] = [];
    for (const page of [mia, bob]) page.on('pageerror', (error) => errors.push(error.message));
    await say(bob, 'cheap coins at my site');
    await eventually(() => tail(mia, 1)).toEqual(['bob: cheap coins at my site']);
    expect(await bob.locator('#lobby .cg-delete').count()).toBe(0);
    const line = mia.locator('#lobby .cg-msg', { hasText: 'cheap coins at my site' });
    const id = await line.getAttribute('data-id');
    await line.locator('.cg-delete').click();
    await eventually(() => tail(mia, 1)).toEqual([`(system) Message ${id} deleted`]);
    for (const page of [mia, bob]) {
      await eventually(() => page.locator(`#lobby .cg-msg[data-id="${id}"]`).count()).toBe(0);
      expect(await lobbyLog(page)).not.toContain('bob: cheap coins at my site');
    }

    await say(mia, '/slow 3600');
    try {
      // Each page renders the announcement when its own copy arrives: neither waits for the other.
      await eventually(() => text(bob, '#lobby .cg-slow')).toBe('Slow mode: one message every 3600 s');
      await eventually(() => text(mia, '#lobby .cg-slow')).toBe('Slow mode: one message every 3600 s (staff exempt)');
      await say(bob, 'my one message');
      await eventually(() => tail(mia, 1)).toEqual(['bob: my one message']);
      await say(bob, 'and another');
      await eventually(() => tail(bob, 1)).toEqual(['(system) Slow mode is on: wait 3600 s']);
      expect(await text(bob, '#lobby .cg-error')).toBe('Slow mode: wait 3600 s before your next message.');
      expect(await bob.inputValue('#lobby .cg-input')).toBe('and another');
    } finally {
      // The demo lobby is shared by the tests after this one: slow mode left on would refuse their messages.
      await say(mia, '/slow 0');
    }
    await eventually(() => text(bob, '#lobby .cg-slow')).toBe('');
    expect(errors).toEqual([]);
  });

  it('counts code points and refuses a 141-code-point message visibly, without sending it', async () => {
    const [alice, bob] = [await demoPage('alice'), await demoPage('bob')];
    await alice.fill('#lobby .cg-input', '🙂'.repeat(141));
    expect(await text(alice, '#lobby .cg-count')).toBe('141/140');
    expect(await alice.locator('#lobby .cg-count.cg-over').count()).toBe(1);
    await alice.press('#lobby .cg-input', 'Enter');
    expect(await text(alice, '#lobby .cg-error')).toBe('Not sent: 141 characters, at most 140 allowed.');
    expect(await alice.inputValue('#lobby .cg-input')).toBe('🙂'.repeat(141));

    // Messages of one socket arrive in order: had the long one gone out, bob would see it before this one.
    await say(alice, '🙂'.repeat(140));
    await eventually(() => tail(bob, 1)).toEqual([`alice: ${'🙂'.repeat(140)}`]);
    expect((await lobbyLog(bob)).filter((line) => line.includes('🙂'.repeat(141)))).toEqual([]);
    expect(await text(alice, '#lobby .cg-error')).toBe('');
  });

  it('shows <img src=x onerror=alert(1)> as literal text, in the demo page and in a widget embedded on another origin', async () => {
    const bob = demo.lobby.users.find((user) => user.uname === 'bob')!;
    const embedded = await open(pages.site.pageUrl('lobby', { appId: demo.lobby.appId, hashedToken: bob.hashedToken }));
    await eventually(() => text(embedded, '#chat .cg-state')).toBe('Signed in as bob');
    const alice = await demoPage('alice');

    await say(alice, '<img src=x onerror=alert(1)>');
    await eventually(async () => (await lobbyLog(embedded, '#chat')).slice(-1)).toEqual([
      'alice: <img src=x onerror=alert(1)>',
    ]);
    await eventually(() => tail(alice, 1)).toEqual(['alice: <img src=x onerror=alert(1)>']);
    expect(await embedded.locator('img').count()).toBe(0);
    expect(await alice.locator('img').count()).toBe(0);
  });

  it('reconnects after its connection drops, without showing the history twice or handling an event twice', async () => {
    const bob = demo.lobby.users.find((user) => user.uname === 'bob')!;
    const url = pages.site.pageUrl('lobby', { appId: demo.lobby.appId, hashedToken: bob.hashedToken });
    const embedded = await open(url);
    await eventually(() => text(embedded, '#chat .cg-state')).toBe('Signed in as bob');
    await embedded.evaluate(() => {
      window.counted = { ready: 0, message: 0 };
      for (const event of ['ready', 'message']) window.chat.on(event, () => window.counted[event]++);
    });
    const alice = await demoPage('alice');
    await say(alice, 'before the drop');
    await eventually(() => lobbyLog(embedded, '#chat')).toContain('alice: before the drop');
    const before = await lobbyLog(embedded, '#chat');

    // Only the embedded widget's connection (its Origin is the site's) goes, as when a network drops.
    // (The engine.io sessions no longer keep their handshake request; the socket.io handshake keeps the headers.)
    const { server } = pages.server.app.get(LobbyGateway) as unknown as ServerHolder;
    const siteOrigin = new URL(url).origin;
    [...server.of('/').sockets.values()]
      .filter((socket) => socket.handshake.headers.origin === siteOrigin)
      .forEach((socket) => socket.conn.close());
    await eventually(() => embedded.evaluate(() => window.counted.ready)).toBe(1);
    expect(await text(embedded, '#chat .cg-state')).toBe('Signed in as bob');
    expect(await lobbyLog(embedded, '#chat')).toEqual(before);

    await say(alice, 'after the drop');
    await eventually(() => lobbyLog(embedded, '#chat')).toEqual([...before, 'alice: after the drop']);
    expect(await embedded.evaluate(() => window.counted)).toEqual({ ready: 1, message: 2 });
  });
});
