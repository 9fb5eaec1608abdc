import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type Browser, chromium } from 'playwright-core';
import { expect } from 'vitest';

/** Each socket.io-client generation lobby widgets embed, installed from npm, and where it keeps its browser bundle. */
export const CLIENT_GENERATIONS = [
  { pkg: 'socket.io-client-v1.3', bundle: 'socket.io.js' },
  { pkg: 'socket.io-client-v1.4', bundle: 'socket.io.js' },
  { pkg: 'socket.io-client-v1.7', bundle: 'dist/socket.io.js' },
  { pkg: 'socket.io-client-v2', bundle: 'dist/socket.io.js' },
  { pkg: 'socket.io-client', bundle: 'dist/socket.io.js' },
].map(({ pkg, bundle }) => {
  const dir = new URL(`../../node_modules/${pkg}/`, import.meta.url);
  const { version } = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { version: string };
  return { version, script: readFileSync(new URL(bundle, dir), 'utf8') };
});

/** Debian's Chromium (never a downloaded one), headless; root in a container needs --no-sandbox. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface PageServer {
  /** The page that loads socket.io-client `version` and the lobby widget harness (test/support/lobby-page.js). */
  pageUrl(version: string): string;
  close(): Promise<void>;
}

/**
 * Serves the test pages from their own loopback port, so the widget reaches Chatgate from another origin, as it does
 * when a site embeds it.
 */
export async function startPageServer(): Promise<PageServer> {
  const harness = readFileSync(new URL('./lobby-page.js', import.meta.url), 'utf8');
  const scripts = new Map(CLIENT_GENERATIONS.map(({ version, script }) => [`/socket.io-client-${version}.js`, script]));
  scripts.set('/lobby-page.js', harness);

  const server: Server = createServer((req, res) => {
    const { pathname, searchParams } = new URL(req.url ?? '/', 'http://page');
    const script = scripts.get(pathname);
    if (script !== undefined) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else if (pathname === '/' && scripts.has(`/socket.io-client-${searchParams.get('client')}.js`)) {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(
          `<!doctype html><meta charset="utf-8"><title>lobby</title>` +
            `<script src="/socket.io-client-${searchParams.get('client')}.js"></script><script src="/lobby-page.js"></script>`,
        );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    pageUrl: (version) => `http://127.0.0.1:${port}/?client=${version}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * An assertion on what a page shows, retried until it holds (5 s): `await eventually(() => read()).toBe(…)`. Pages
 * announce nothing a test can wait for; the reply the server sends is awaited on the test's own sockets instead.
 */
export const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 5000 });
