import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, launchChromium } from './support/browser.js';
import { killed, type ServerProcess, spawnServer } from './support/server-process.js';

/**
 * The examples the README and docs/ show, run as a reader would run them against a fresh `npm start`.
 *
 * A fenced block whose info string is `sh example` is a shell session: each command (a line, continued by a trailing
 * `\`) is run in one bash, in order, and its output must be exactly the `# → ` lines that follow it (none: no
 * output); an `export` holds for the file's later blocks too. `<a name>` in an expected line stands for one value the
 * reader cannot know in advance (a token, a date); the value it matched is kept under that name. A block marked
 * `html example` is a page of the reader's own site: it is served from another origin with those values in place of
 * the same `<a name>`, opened in Chromium, and used the way the README's tour says (TOUR). Each file's examples run in
 * order against one server of its own, started as the README's start command starts it (its ADMIN_TOKEN, an SQLite
 * file, so the demo is on) on a free port that replaces `localhost:3000`.
 */
const ROOT = new URL('..', import.meta.url).pathname;
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
/** What the README's tour has the reader type into the page's widgets before reading it back over the API. */
const TOUR = {
  lobby: 'Hello from my page',
  clientName: 'shoom',
  question: 'Is the blue one in stock?',
  answer: 'Yes, two left.',
};

interface Block {
  kind: 'sh' | 'html';
  body: string;
  line: number;
}

function exampleBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const fence = /^```(sh|html) example\n([\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(fence)) {
    blocks.push({
      kind: match[1] as Block['kind'],
      body: match[2],
      line: markdown.slice(0, match.index).split('\n').length,
    });
  }
  return blocks;
}

interface Command {
  text: string;
  expected: string[];
}

function commands(session: string): Command[] {
  const result: Command[] = [];
  let pending = '';
  for (const line of session.split('\n')) {
    if (line.startsWith('# → ')) {
      const last = result.at(-1);
      if (!last) throw new Error(`output shown before any command: ${line}`);
      last.expected.push(line.slice('# → '.length));
    } else if (pending || (line.trim() && !line.startsWith('#'))) {
      pending += `${line}\n`;
      if (!line.endsWith('\\')) {
        result.push({ text: pending, expected: [] });
        pending = '';
      }
    }
  }
  return result;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Matches one output line against one shown line; returns the values its `<placeholders>` stood for, or null. */
function matchLine(shown: string, actual: string): Record<string, string> | null {
  const names: string[] = [];
  const pattern = shown
    .split(/(<[a-z][a-z ]*>)/)
    .map((part, i) => {
      if (i % 2 === 0) return escapeRegExp(part);
      names.push(part.slice(1, -1));
      return '([^"\\s]+)';
    })
    .join('');
  const match = new RegExp(`^${pattern}$`).exec(actual);
  if (!match) return null;
  return Object.fromEntries(names.map((name, i) => [name, match[i + 1]]));
}

const MARK = '@@ end of command @@';

/** Runs the commands in one bash, after `exports` (earlier blocks' `export`s: the reader's terminal keeps them). */
async function runSession(commandList: Command[], exports: string[], port: number | null): Promise<string[]> {
  const local = (text: string) => (port === null ? text : text.replaceAll('localhost:3000', `127.0.0.1:${port}`));
  const script = ['exec 2>&1', ...exports, ...commandList.map((c) => `${local(c.text)}printf '\\n${MARK}\\n'`)].join(
    '\n',
  );
  const home = mkdtempSync(join(tmpdir(), 'chatgate-docs-shell-'));
  try {
    const { stdout } = await promisify(execFile)('bash', ['-c', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1' },
      timeout: 30_000,
    });
    return stdout.split(`\n${MARK}\n`).slice(0, commandList.length);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

describe('the examples in README.md and docs/ do what they show, on a fresh server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatgate-docs-'));
  const servers: ServerProcess[] = [];
  let browser: Browser | undefined;
  let site: Server | undefined;
  let sitePage = '';

  beforeAll(async () => {
    site = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(sitePage),
    );
    await new Promise<void>((resolve) => site!.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await Promise.all(servers.splice(0).map(({ child }) => killed(child, 'SIGTERM')));
    await browser?.close();
    site?.closeAllConnections();
    await new Promise((resolve) => site?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  /** The README's own start command gives the admin token the examples use. */
  const startToken = /ADMIN_TOKEN=(\S+) npm start/.exec(README)?.[1];

  it('the README starts the server with an admin token, and CI runs the test command the README gives', () => {
    expect(startToken).toMatch(/^.{16,}$/);
    expect(README).toMatch(/^npm test +# the whole suite/m);
    expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toMatch(/^npm test -- /m);
  });

  const withExamples = DOCS.filter((file) => exampleBlocks(readFileSync(join(ROOT, file), 'utf8')).length > 0);

  it('README.md and docs/configuration.md have examples to run', () => {
    expect(withExamples).toEqual(expect.arrayContaining(['README.md', 'docs/configuration.md']));
  });

  it.each(withExamples)(
    '%s',
    async (file) => {
      const blocks = exampleBlocks(readFileSync(join(ROOT, file), 'utf8'));
      const values: Record<string, string> = {};
      const exports: string[] = [];
      let server: ServerProcess | null = null;
      const port = async () => {
        if (!server) {
          server = await spawnServer({
            ADMIN_TOKEN: startToken!,
            DATABASE_URL: `sqlite:${join(dir, `${file.replace(/\W/g, '-')}.sqlite`)}`,
          });
          servers.push(server);
        }
        return Number(new URL(server.url).port);
      };

      for (const block of blocks) {
        const where = `${file}:${block.line}`;
        const usesServer = block.body.includes('localhost:3000');
        if (block.kind === 'html') {
          await usePage(block.body, usesServer ? await port() : null, values, where);
          continue;
        }
        const list = commands(block.body);
        const outputs = await runSession(list, exports, usesServer ? await port() : null);
        exports.push(...list.map((command) => command.text.trim()).filter((text) => /^export \w+=\S+$/.test(text)));
        list.forEach((command, i) => {
          const actual = outputs[i].split('\n').filter((line) => line !== '');
          const context = `${where}: ${command.text.trim()}\nprinted:\n${outputs[i]}`;
          expect(actual.length, context).toBe(command.expected.length);
          command.expected.forEach((shown, j) => {
            const found = matchLine(shown, actual[j]);
            expect(found, `${context}\nshown: ${shown}`).not.toBeNull();
            Object.assign(values, found);
          });
        });
      }
    },
    90_000,
  ); // a server start, a browser and several shell sessions, on a machine the whole suite shares

  /**
   * The tour's page, served from another origin: olga writes in the lobby; a new client names itself and asks; the
   * seller opens the chat in its console and answers, and the client sees the answer. Last, the server confirms the
   * console's read mark for its answer, which the console sends once its answer comes back: a reader's next command
   * comes long after, and the API then shows the chat read up to the answer.
   */
  async function usePage(html: string, port: number | null, values: Record<string, string>, where: string) {
    let page = html.replace(/<([a-z][a-z ]*)>/g, (placeholder, name: string) => values[name] ?? placeholder);
    if (port !== null) page = page.replaceAll('localhost:3000', `127.0.0.1:${port}`);
    expect(page, `${where}: every <value> in the page was shown earlier`).not.toMatch(/'<[a-z][a-z ]*>'/);
    sitePage = page;
    browser ??= await launchChromium();
    const context = await browser.newContext();
    try {
      const tab: Page = await context.newPage();
      tab.setDefaultTimeout(5000);
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(error.message));
      const sellerFrames: { command: string; data: { id?: number; text?: string; my?: boolean } }[] = [];
      tab.on('websocket', (socket) =>
        socket.on('framereceived', ({ payload }) => {
          if (typeof payload === 'string' && payload.startsWith('{')) sellerFrames.push(JSON.parse(payload));
        }),
      );
      const answerReadMark = async () => {
        const answer = sellerFrames.find((f) => f.command === 'message' && f.data.my && f.data.text === TOUR.answer);
        return Boolean(answer) && sellerFrames.some((f) => f.command === 'read' && f.data.id === answer?.data.id);
      };
      await tab.goto(`http://127.0.0.1:${(site!.address() as { port: number }).port}/`);

      await eventually(() => tab.locator('#lobby .cg-state').textContent()).toBe('Signed in as olga');
      await tab.fill('#lobby .cg-input', TOUR.lobby);
      await tab.press('#lobby .cg-input', 'Enter');
      await eventually(() => tab.locator('#lobby .cg-msg .cg-text').allTextContents()).toEqual([TOUR.lobby]);

      await tab.fill('#client .cg-name-input', TOUR.clientName);
      await tab.press('#client .cg-name-input', 'Enter');
      await eventually(() => tab.locator('#client .cg-state').textContent()).toBe(`Chatting as ${TOUR.clientName}`);
      await tab.fill('#client .cg-input', TOUR.question);
      await tab.press('#client .cg-input', 'Enter');
      await eventually(() => tab.locator('#seller .cg-unread').textContent()).toBe('1');
      await tab.click('#seller .cg-chat-button');
      await tab.fill('#seller .cg-input', TOUR.answer);
      await tab.press('#seller .cg-input', 'Enter');
      await eventually(() => tab.locator('#client .cg-theirs .cg-text').allTextContents()).toEqual([TOUR.answer]);
      await eventually(answerReadMark).toBe(true);
      expect(errors, where).toEqual([]);
    } finally {
      await context.close();
    }
  }
});
