import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InternalLibrary, WrittenAgainst } from './written-against.js';

const folder = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The version of `name` as `from` resolves it, read from its package.json (some packages do not export it). */
function installedVersion(name: string, from = require): string {
  let dir = dirname(from.resolve(name));
  while (!readPackage(dir, name)) dir = dirname(dir);
  return readPackage(dir, name)!.version;
}

function readPackage(dir: string, name: string): { version: string } | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version: string };
    return pkg.name === name ? pkg : undefined;
  } catch {
    return undefined;
  }
}

const installed: Record<InternalLibrary, string> = {
  'engine.io': installedVersion('engine.io'),
  'socket.io': installedVersion('socket.io'),
  ws: installedVersion('ws'),
  'ws (engine.io)': installedVersion('ws', createRequire(require.resolve('engine.io'))),
};

const files = readdirSync(folder).filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'));

describe("library internals: each file's libraries are the versions it was written against", () => {
  it.each(files.filter((file) => file !== 'written-against.ts'))('%s', async (file) => {
    const module = (await import(join(folder, file))) as { WRITTEN_AGAINST?: WrittenAgainst };
    expect(module.WRITTEN_AGAINST, `src/realtime/internals/${file} must export WRITTEN_AGAINST`).toBeDefined();
    for (const [library, version] of Object.entries(module.WRITTEN_AGAINST!)) {
      expect(
        installed[library as InternalLibrary],
        `src/realtime/internals/${file} uses private parts of ${library} ${version}; ${library} is now ` +
          `${installed[library as InternalLibrary]}: re-check what the file relies on, then update WRITTEN_AGAINST`,
      ).toBe(version);
    }
  });
});
