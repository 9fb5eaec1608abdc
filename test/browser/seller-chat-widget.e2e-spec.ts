import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useWidgetPages } from '../support/embedding-site.js';
import { startServer } from '../support/server.js';
import { chatLog, text, write } from '../support/seller-widget-page.js';
import { eventually } from '../support/browser.js';

/** What the pages' own scripts see (test/ is typed without the DOM library). */
declare const localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
declare const location: { protocol: string };
declare const window: { sockets: { close(): void }[]; WebSocket: new (url: string, protocols?: string[]) => object };

const presence = (page: Page) => text(page, '#chat .cg-chat-head');

describe('the seller chat widget in Chromium, embedded on another origin', () => {
  // The smallest frame limit, so a long message is one a person can type.
  const pages = useWidgetPages(() => startServer({ SELLER_MAX_FRAME_BYTES: '256' }));
  let seller: { id: number; name: string; token: string };

  async function newSeller(name: string) {
    const created = await pages.server.api.post('/api/sellers', { name });
    expect(created.status).toBe(201);
    seller = created.body;
    return seller;
  }

  /** A browser profile (its own localStorage). */
  const profile = () => pages.profile();

  async function open(context: BrowserContext, options: Record<string, unknown>): Promise<Page> {
    const page = await context.newPage();
    await page.goto(pages.site.pageUrl('seller-chat', options));
    return page;
  }

  async function startClient(context: BrowserContext, name: string): Promise<Page> {
    const page = await open(context, { sellerId: seller.id });
    expect(await page.locator('#chat .cg-prompt-text').textContent()).toBe('Enter your name to chat with the seller.');
    await page.fill('#chat .cg-name-input', name);
    await page.press('#chat .cg-name-input', 'Enter');
    await eventually(() => text(page, '#chat .cg-state')).toBe(`Chatting as ${name}`);
    return page;
  }

  it('lets a client and the seller talk both ways; the seller sees new chats, unread counts and the client go offline and back; a reload restores the chat', async () => {
    await newSeller('Trainer shop');
    const sellerPage = await open(await profile(), { id: seller.id, token: seller.token });
    await eventually(() => text(sellerPage, '#chat .cg-state')).toBe('Signed in as Trainer shop');
    expect(await text(sellerPage, '#chat .cg-list-title')).toBe('Chats (0)');

    const clientProfile = await profile();
    const client = await startClient(clientProfile, 'shoom');
    await eventually(() => presence(client)).toBe('Trainer shoponline');
    // The new chat appears live, its client online.
    await eventually(() => text(sellerPage, '#chat .cg-list-title')).toBe('Chats (1)');
    await eventually(() => sellerPage.locator('#chat .cg-chat .cg-dot').getAttribute('title')).toBe('online');

    await write(client, 'Hi! Is the blue one in stock?');
    await eventually(() => chatLog(client)).toEqual(['> Hi! Is the blue one in stock?']);
    await eventually(() => text(sellerPage, '#chat .cg-chat')).toBe('shoom1');
    await sellerPage.click('#chat .cg-chat-button');
    expect(await chatLog(sellerPage)).toEqual(['< Hi! Is the blue one in stock?']);
    expect(await text(sellerPage, '#chat .cg-chat')).toBe('shoom');
    expect(await presence(sellerPage)).toBe('shoomonline');

    await write(sellerPage, 'Yes, two left.');
    await eventually(() => chatLog(client)).toEqual(['> Hi! Is the blue one in stock?', '< Yes, two left.']);
    expect(await chatLog(sellerPage)).toEqual(['< Hi! Is the blue one in stock?', '> Yes, two left.']);

    await client.close();
    await eventually(() => presence(sellerPage)).toBe('shoomoffline');
    await write(sellerPage, 'Still there?');
    await eventually(() => chatLog(sellerPage)).toEqual([
      '< Hi! Is the blue one in stock?',
      '> Yes, two left.',
      '> Still there? (Not delivered: shoom is offline.)',
    ]);

    // Back with the token the first visit stored: no name asked, the whole chat restored.
    const back = await open(clientProfile, { sellerId: seller.id });
    await eventually(() => text(back, '#chat .cg-state')).toBe('Chatting as shoom');
    await eventually(() => presence(sellerPage)).toBe('shoomonline');
    expect(await chatLog(back)).toEqual(['> Hi! Is the blue one in stock?', '< Yes, two left.']);
    expect(await back.locator('#chat .cg-prompt').isHidden()).toBe(true);

    await write(back, '<img src=x onerror=alert(1)>');
    await eventually(() => chatLog(sellerPage)).toEqual([
      '< Hi! Is the blue one in stock?',
      '> Yes, two left.',
      '> Still there? (Not delivered: shoom is offline.)',
      '< <img src=x onerror=alert(1)>',
    ]);
    expect(await sellerPage.locator('img').count()).toBe(0);

    await back.reload();
    await eventually(() => text(back, '#chat .cg-state')).toBe('Chatting as shoom');
    expect(await chatLog(back)).toEqual([
      '> Hi! Is the blue one in stock?',
      '< Yes, two left.',
      '> <img src=x onerror=alert(1)>',
    ]);
    expect(await back.locator('img').count()).toBe(0);
    expect(await text(sellerPage, '#chat .cg-list-title')).toBe('Chats (1)');
  });

  it('shows a client why a message was not delivered: the seller is offline, or the message is too long', async () => {
    await newSeller('Closed shop');
    const client = await startClient(await profile(), 'early bird');
    await eventually(() => presence(client)).toBe('Closed shopoffline');

    await write(client, 'Anyone there?');
    await eventually(() => chatLog(client)).toEqual(['> Anyone there? (Not delivered: Closed shop is offline.)']);
    expect(await client.inputValue('#chat .cg-input')).toBe('');

    // The frame the widget would send: its size is what the server's limit applies to.
    const [{ id: chatId }] = (await pages.server.api.get(`/api/sellers/${seller.id}/chats`)).body;
    const text = 'x'.repeat(200);
    const frame = {
      command: 'message',
      data: { id: 0, text, date: 0, clientDate: 1_800_000_000, chatId: String(chatId), my: false },
    };
    await write(client, text);
    await eventually(() => chatLog(client)).toEqual([
      '> Anyone there? (Not delivered: Closed shop is offline.)',
      `> ${text} (Not delivered: the message is too long (${JSON.stringify(frame).length} bytes with its envelope, at most 256).)`,
    ]);
  });

  it('shows the seller that its own token was refused, and does not reconnect', async () => {
    await newSeller('Locked shop');
    const context = await profile();
    const page = await context.newPage();
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.goto(pages.site.pageUrl('seller-chat', { id: seller.id, token: 'not-the-token' }));
    await eventually(() => text(page, '#chat .cg-error')).toBe(
      'The seller sign-in was refused (USER_NOT_FOUND): check the seller id and token.',
    );
    expect(await text(page, '#chat .cg-state')).toBe('Not signed in');
    expect(sockets).toEqual([`${pages.server.url.replace('http', 'ws')}/seller`]);
  });

  it('forgets a stored token the server does not know (USER_NOT_FOUND) and asks for a name again', async () => {
    await newSeller('Forgetful shop');
    const key = `chatgate-seller-chat:${pages.server.url}:${seller.id}`;
    const context = await profile();
    // As if an earlier visit had stored a token this server never issued (before the site page's own scripts run).
    await context.addInitScript((name) => {
      if (location.protocol === 'http:' && !localStorage.getItem(name))
        localStorage.setItem(name, 'a-token-from-an-old-database');
    }, key);
    const page = await open(context, { sellerId: seller.id });
    await eventually(() => text(page, '#chat .cg-prompt-text')).toBe(
      'Your earlier chat is gone: enter your name to start a new one.',
    );
    expect(await page.evaluate((name) => localStorage.getItem(name), key)).toBeNull();

    await page.fill('#chat .cg-name-input', 'newcomer');
    await page.press('#chat .cg-name-input', 'Enter');
    await eventually(() => text(page, '#chat .cg-state')).toBe('Chatting as newcomer');
    expect(await page.evaluate((name) => localStorage.getItem(name), key)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('reconnects a client with backoff after its connection drops, and rebuilds the chat without duplicates', async () => {
    await newSeller('Steady shop');
    const sellerPage = await open(await profile(), { id: seller.id, token: seller.token });
    await eventually(() => text(sellerPage, '#chat .cg-state')).toBe('Signed in as Steady shop');
    const context = await profile();
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
    const client = await startClient(context, 'steady');
    await write(client, 'first');
    await eventually(() => chatLog(client)).toEqual(['> first']);

    await client.evaluate(() => window.sockets[0].close());
    await eventually(() => client.evaluate(() => window.sockets.length)).toBe(2);
    await eventually(() => text(client, '#chat .cg-state')).toBe('Chatting as steady');
    expect(await chatLog(client)).toEqual(['> first']);
    await eventually(() => presence(client)).toBe('Steady shoponline');

    await write(client, 'second');
    await eventually(() => chatLog(client)).toEqual(['> first', '> second']);
    await sellerPage.click('#chat .cg-chat-button');
    await eventually(() => chatLog(sellerPage)).toEqual(['< first', '< second']);
  });
});
