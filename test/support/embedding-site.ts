import { createServer, type Server } from 'node:http';
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { launchChromium } from './browser.js';
import type { TestServer } from './server.js';

export interface EmbeddingSite {
  /** A page of this site that loads `widget` from Chatgate and starts it with `options`, as the README says. */
  pageUrl(widget: 'lobby' | 'seller-chat', options: Record<string, unknown>): string;
  close(): Promise<void>;
}

/**
 * Another origin than Chatgate (its own loopback port) whose pages embed a widget the way a site does: a <script>
 * from the Chatgate server and one call. The site's own page may use inline script; only Chatgate's pages may not.
 */
export async function startEmbeddingSite(chatgateUrl: string): Promise<EmbeddingSite> {
  const starters = { lobby: 'ChatgateLobby', 'seller-chat': 'ChatgateSellerChat' } as const;
  const server: Server = createServer((req, res) => {
    const { pathname, searchParams } = new URL(req.url ?? '/', 'http://site');
    const widget = pathname.slice(1) as keyof typeof starters;
    if (!(widget in starters)) return void res.writeHead(404).end();
    const options = { element: '#chat', ...JSON.parse(searchParams.get('options') ?? '{}') };
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        `<!doctype html><meta charset="utf-8"><title>a site</title><div id="chat"></div>` +
          `<script src="${chatgateUrl}/widgets/${widget}.js"></script>` +
          `<script>window.chat = ${starters[widget]}(${JSON.stringify(options)});</script>`,
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    pageUrl: (widget, options) =>
      `http://127.0.0.1:${port}/${widget}?options=${encodeURIComponent(JSON.stringify(options))}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * Chatgate (from `start`), a site on another origin and Chromium, for one test file's widget tests. Browser
 * profiles opened with `profile` are closed after each test, and no page of theirs may have opened a dialog (an
 * alert from injected markup, say): each test fails if one did.
 */
export function useWidgetPages(start: () => Promise<TestServer>) {
  let server: TestServer | undefined;
  let site: EmbeddingSite | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([start(), launchChromium()]);
    site = await startEmbeddingSite(server.url);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    expect(dialogs.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await server?.close();
  });

  return {
    get server(): TestServer {
      if (!server) throw new Error('the server is not started yet');
      return server;
    },
    get site(): EmbeddingSite {
      if (!site) throw new Error('the embedding site is not started yet');
      return site;
    },
    /** A fresh browser profile (its own storage); its pages record any dialog, and wait 5 s at most. */
    async profile(options?: BrowserContextOptions): Promise<BrowserContext> {
      if (!browser) throw new Error('the browser is not started yet');
      const context = await browser.newContext(options);
      contexts.push(context);
      context.on('page', (page) => {
        page.setDefaultTimeout(5000);
        page.on('dialog', (dialog) => {
          dialogs.push(dialog.message());
          void dialog.dismiss();
        });
      });
      return context;
    },
  };
}
