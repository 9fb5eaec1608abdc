import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/app-config.js';

/**
 * The README and docs/ as a reader of a fresh clone follows them: every relative link reaches a file of the
 * repository, and every `#anchor` a heading of its page (as GitHub makes heading ids); nothing points outside the
 * clone; the configuration reference names every setting the server reads.
 */
const ROOT = resolve(new URL('..', import.meta.url).pathname);
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The page's lines outside fenced code blocks, with their numbers, and inline code spans blanked. */
function prose(markdown: string): { line: number; text: string }[] {
  let fenced = false;
  return markdown.split('\n').flatMap((text, i) => {
    if (text.startsWith('```')) {
      fenced = !fenced;
      return [];
    }
    return fenced ? [] : [{ line: i + 1, text: text.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length)) }];
  });
}

/** GitHub's heading ids: lowercase, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingIds(markdown: string): Set<string> {
  const ids = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = !fenced && /^#{1,6} +(.*?) *#*$/.exec(line);
    if (!heading) continue;
    const text = heading[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    ids.add(count ? `${base}-${count}` : base);
  }
  return ids;
}

interface Link {
  page: string;
  line: number;
  target: string;
}

function links(page: string): Link[] {
  const found: Link[] = [];
  for (const { line, text } of prose(readFileSync(join(ROOT, page), 'utf8'))) {
    for (const match of text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?: "[^"]*")?\)/g))
      found.push({ page, line, target: match[1] });
  }
  return found;
}

/** Why a link does not resolve, or null when it does. */
function broken({ page, target }: Link): string | null {
  if (/^[a-z][a-z+.-]*:/i.test(target)) return null; // another site (http:, https:, mailto:)
  const [path, anchor] = target.split('#') as [string, string | undefined];
  const file = path ? resolve(dirname(join(ROOT, page)), decodeURIComponent(path)) : join(ROOT, page);
  if (relative(ROOT, file).startsWith('..')) return 'outside the repository (a clone has nothing there)';
  if (!existsSync(file)) return 'no such file';
  if (anchor === undefined) return null;
  if (statSync(file).isDirectory() || !file.endsWith('.md')) return 'an anchor into a file that has no headings';
  return headingIds(readFileSync(file, 'utf8')).has(anchor) ? null : `no heading #${anchor} in ${relative(ROOT, file)}`;
}

describe('README.md and docs/*.md', () => {
  it('find every page and link', () => {
    expect(PAGES).toEqual(expect.arrayContaining(['README.md', 'docs/protocols.md', 'docs/configuration.md']));
    expect(PAGES.flatMap(links).length).toBeGreaterThan(50);
  });

  it('have every relative link and anchor resolve inside the repository', () => {
    const failures = PAGES.flatMap(links).flatMap((link) => {
      const why = broken(link);
      return why ? [`${link.page}:${link.line}: ${link.target}: ${why}`] : [];
    });
    expect(failures).toEqual([]);
  });

  it('name no file outside the repository, such as the wire contract a clone does not have', () => {
    const outside = PAGES.flatMap((page) =>
      readFileSync(join(ROOT, page), 'utf8')
        .split('\n')
        .flatMap((text, i) => (/\.\.\/shared\b/.test(text) ? [`${page}:${i + 1}: ${text.trim()}`] : [])),
    );
    expect(outside).toEqual([]);
  });

  it('link every page of docs/ from the README', () => {
    const fromReadme = new Set(links('README.md').map((link) => link.target.split('#')[0]));
    const unlinked = readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md') || f.endsWith('.yaml'))
      .filter((f) => !fromReadme.has(`docs/${f}`));
    expect(unlinked).toEqual([]);
  });

  it('keep the README a first screen', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(250);
  });

  it('list in docs/configuration.md every setting the server reads', () => {
    // The settings loadConfig reads, as it reads them: an environment that records every name asked of it.
    const read = new Set<string>();
    loadConfig(new Proxy({}, { get: (_, name) => void read.add(String(name)) }));
    const settings = [...read];
    expect(settings.length).toBeGreaterThan(60);
    const reference = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
    expect(settings.filter((name) => name !== 'NODE_ENV' && !reference.includes(`\`${name}\``))).toEqual([]);
  });
});

describe('headingIds, as GitHub makes them', () => {
  it('drops punctuation and code marks, keeps letters, digits, hyphens and underscores, and numbers repeats', () => {
    const ids = headingIds(
      '# Chatgate\n## 4. Embed both widgets\n### Lobby widget: `/widgets/lobby.js`\n## Behaviour the protocol ' +
        "leaves open, decided here\n## Users from the site's own user service\n## Tested\n## Tested\n" +
        '```\n# not a heading\n```\n## CACHE_TTL_MS and [a link](x.md)\n',
    );
    expect([...ids]).toEqual([
      'chatgate',
      '4-embed-both-widgets',
      'lobby-widget-widgetslobbyjs',
      'behaviour-the-protocol-leaves-open-decided-here',
      'users-from-the-sites-own-user-service',
      'tested',
      'tested-1',
      'cache_ttl_ms-and-a-link',
    ]);
  });
});
