import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { type DynamicModule, Logger, type Type } from '@nestjs/common';
import { GLOBAL_MODULE_METADATA } from '@nestjs/common/constants.js';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatgateTestingModule } from '../src/testing/index.js';

const SRC = resolve(import.meta.dirname, '../src');

/**
 * Roots compose an app; they are not imported by feature modules. AppModule (the whole backend, which every other
 * e2e test starts), CoreModule and what it is made of (global, provided once per app), and the testing root itself.
 */
const ROOTS = ['AppModule', 'CoreModule', 'ConfigModule', 'RealtimeModule', 'MetricsModule', 'ChatgateTestingModule'];

/** The class every `*.module.ts` under src/ exports, found anew on each run. */
async function discoverModules(): Promise<{ file: string; module: Type }[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.module.ts'));
  const found = [];
  for (const file of files.sort()) {
    const classes = Object.values(await import(join(SRC, file))).filter((value) => typeof value === 'function');
    found.push(...classes.map((module) => ({ file, module: module as Type })));
  }
  return found;
}

describe('every feature module compiles alone beside ChatgateTestingModule', async () => {
  const modules = await discoverModules();
  const features = modules.filter(({ module }) => !ROOTS.includes(module.name));
  afterEach(() => vi.restoreAllMocks());

  it('finds the modules under src/, roots apart', () => {
    const names = modules.map(({ module }) => module.name);
    expect(names).toEqual(expect.arrayContaining([...ROOTS, 'LobbyModule', 'SellerModule']));
    expect(names.every((name) => name.endsWith('Module'))).toBe(true);
  });

  it('finds none of them global: each is imported where it is used', () => {
    const global = features.filter(({ module }) => Reflect.getMetadata(GLOBAL_MODULE_METADATA, module) === true);
    expect(global.map(({ module }) => module.name)).toEqual([]);
  });

  it.each(features.map(({ file, module }) => [module.name, file, module] as const))(
    '%s (%s): compiles, inits and closes with nothing logged as an error',
    async (_name, _file, module) => {
      const errors: unknown[] = [];
      vi.spyOn(Logger.prototype, 'error').mockImplementation((...args) => void errors.push(args));
      vi.spyOn(Logger, 'error').mockImplementation((...args) => void errors.push(args));
      const moduleRef = await Test.createTestingModule({
        imports: [ChatgateTestingModule.forRoot(), module as Type | DynamicModule],
      }).compile();
      await moduleRef.init();
      await moduleRef.close();
      expect(errors).toEqual([]);
    },
  );
});

describe('feature folders', () => {
  it('import each other without a cycle (AppModule and the entity list in data-source-options.ts compose them)', () => {
    const composing = new Set(['app.module.ts', 'database/data-source-options.ts']);
    const edges = new Map<string, Set<string>>();
    for (const file of readdirSync(SRC, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.endsWith('.spec.ts') || composing.has(file) || !file.includes('/')) continue;
      const from = file.split('/')[0];
      for (const [, target] of readFileSync(join(SRC, file), 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const to = relative(SRC, resolve(SRC, dirname(file), target)).split('/')[0];
        if (to !== from && !to.endsWith('.js')) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    expect(cycles(edges)).toEqual([]);
  });
});

/** Each cycle found by a depth-first walk, as the folders along it. */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const walk = (node: string, path: string[]) => {
    if (path.includes(node)) return void found.push([...path.slice(path.indexOf(node)), node]);
    if (done.has(node)) return;
    for (const next of edges.get(node) ?? []) walk(next, [...path, node]);
    done.add(node);
  };
  for (const node of edges.keys()) walk(node, []);
  return found;
}
