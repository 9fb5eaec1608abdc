import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useWidgetPages } from '../support/embedding-site.js';
import { startServer } from '../support/server.js';
import { chatLog, text, write } from '../support/seller-widget-page.js';
import { eventually } from '../support/browser.js';

describe('the seller chat widget for a shop (docs/seller-shop.md), in Chromium', () => {
  const pages = useWidgetPages(() => startServer());

  async function open(context: BrowserContext, options: Record<string, unknown>): Promise<Page> {
    const page = await context.newPage();
    await page.goto(pages.site.pageUrl('seller-chat', options));
    return page;
  }

  it('lets a client leave a message while a seller who allows it is away; the seller finds it on sign-in', async () => {
    const created = await pages.server.api.post('/api/sellers', { name: 'Night shop', offlineMessages: true });
    const seller = created.body as { id: number; token: string };
    const client = await open(await pages.profile(), { sellerId: seller.id });
    await client.fill('#chat .cg-name-input', 'owl');
    await client.press('#chat .cg-name-input', 'Enter');
    await eventually(() => text(client, '#chat .cg-chat-head')).toBe(
      'Night shopaway: leave a message, it will be read later',
    );

    await write(client, 'Open tomorrow?');
    await eventually(() => chatLog(client)).toEqual(['> Open tomorrow?']);

    const sellerPage = await open(await pages.profile(), { id: seller.id, token: seller.token });
    await eventually(() => text(sellerPage, '#chat .cg-chat')).toBe('owl1');
    await sellerPage.click('#chat .cg-chat-button');
    expect(await chatLog(sellerPage)).toEqual(['< Open tomorrow?']);
    await eventually(() => text(client, '#chat .cg-chat-head')).toBe('Night shoponline');
  });

  it("keeps the seller's unread counts across its tabs and reloads: opening a chat in one tab clears it in the others", async () => {
    const seller = (await pages.server.api.post('/api/sellers', { name: 'Two tabs' })).body as {
      id: number;
      token: string;
    };
    const console = await pages.profile();
    const tab1 = await open(console, { id: seller.id, token: seller.token });
    const tab2 = await open(console, { id: seller.id, token: seller.token });
    await eventually(() => text(tab2, '#chat .cg-state')).toBe('Signed in as Two tabs');
    const client = await open(await pages.profile(), { sellerId: seller.id });
    await client.fill('#chat .cg-name-input', 'kim');
    await client.press('#chat .cg-name-input', 'Enter');
    await eventually(() => text(client, '#chat .cg-chat-head')).toBe('Two tabsonline');
    await write(client, 'first');
    await write(client, 'second');
    for (const tab of [tab1, tab2]) await eventually(() => text(tab, '#chat .cg-chat')).toBe('kim2');

    await tab1.click('#chat .cg-chat-button');
    await eventually(() => text(tab2, '#chat .cg-chat')).toBe('kim');
    await tab2.reload();
    await eventually(() => text(tab2, '#chat .cg-state')).toBe('Signed in as Two tabs');
    expect(await text(tab2, '#chat .cg-chat')).toBe('kim');

    await tab1.close();
    await write(client, 'third');
    await eventually(() => text(tab2, '#chat .cg-chat')).toBe('kim1');
    const [chat] = (await pages.server.api.get(`/api/sellers/${seller.id}/chats`)).body;
    expect(chat).toMatchObject({ unread: 1 });
  });
});
