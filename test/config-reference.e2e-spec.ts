import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { settingShapes } from '../src/config/app-config.js';
import { COMPUTED_DEFAULTS, exampleValue, STATED_RANGE, syncConfigReference } from '../src/config/config-reference.js';

/**
 * The configuration reference (docs/configuration.md) and `.env.example` against the settings the server reads
 * (`settingShapes`: names, defaults and accepted ranges as loadConfig has them): a setting added, removed, renamed,
 * given another default or range fails here, naming it, until both documents say the same.
 */
const shapes = settingShapes().filter((shape) => shape.name !== 'NODE_ENV');

const envExample = [...readFileSync('.env.example', 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(
  ([, name, value]) => ({ name, value }),
);
const reference = readFileSync('docs/configuration.md', 'utf8');

/** Each table row naming settings: the names in its first cell, the backticked values in its second, its meaning. */
function referenceRows(): { names: string[]; defaults: string[]; meaning: string; columns: number }[] {
  return reference
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const cells = line.split(' | ').map((cell) => cell.replace(/^\| /, ''));
      const [names, defaults, meaning] = cells;
      return {
        columns: cells.length,
        names: [...names.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]),
        defaults: [...defaults.matchAll(/`([^`]*)`/g)].map((m) => m[1]),
        meaning,
      };
    });
}

describe('.env.example', () => {
  it('sets every setting the server reads, once, and nothing else', () => {
    expect(envExample.map((entry) => entry.name).sort()).toEqual(shapes.map((shape) => shape.name).sort());
  });

  it.each(shapes.map((shape) => [shape.name, shape] as const))('gives %s its default', (_, shape) => {
    expect(envExample.find((entry) => entry.name === shape.name)?.value).toBe(exampleValue(shape));
  });
});

describe('docs/configuration.md', () => {
  const rows = referenceRows();

  it.each(shapes.map((shape) => [shape.name, shape] as const))(
    'lists %s with its default and, where it states one, its range',
    (name, shape) => {
      const row = rows.find((candidate) => candidate.names.includes(name));
      expect(row, `${name} has no row`).toBeDefined();
      if (row!.names.length === row!.defaults.length && !COMPUTED_DEFAULTS.has(name) && shape.fallback) {
        expect(row!.defaults[row!.names.indexOf(name)], `${name}'s default`).toBe(shape.fallback);
      }
      // A row of the Settings table (variable, default, meaning) states a whole-number setting's range.
      const range = row!.names.length === 1 ? STATED_RANGE.exec(row!.meaning) : null;
      if (shape.min !== undefined && row!.columns === 3) expect(range, `${name}'s range`).not.toBeNull();
      if (range) expect(`${range[1]}–${range[2]}`, `${name}'s range`).toBe(`${shape.min}–${shape.max}`);
    },
  );

  it('names no setting the server does not read', () => {
    const known = new Set(shapes.map((shape) => shape.name));
    expect(rows.flatMap((row) => row.names).filter((name) => !known.has(name))).toEqual([]);
  });
});

describe('npm run config:reference', () => {
  it('would change neither document, and finds every setting described and none stale', () => {
    const synced = syncConfigReference(
      { envExample: readFileSync('.env.example', 'utf8'), reference },
      settingShapes(),
    );
    expect({ undescribed: synced.undescribed, stale: synced.stale }).toEqual({ undescribed: [], stale: [] });
    expect(synced.envExample).toBe(readFileSync('.env.example', 'utf8'));
    expect(synced.reference).toBe(reference);
  });

  it('writes a changed default and range back, and names a setting nobody described', () => {
    const shapes = settingShapes().map((shape) =>
      shape.name === 'LOBBY_HISTORY_SIZE' ? { ...shape, fallback: '300', max: 5000 } : shape,
    );
    shapes.push({ name: 'NEW_SETTING', fallback: '1' });
    const synced = syncConfigReference({ envExample: readFileSync('.env.example', 'utf8'), reference }, shapes);
    expect(synced.envExample).toMatch(/^LOBBY_HISTORY_SIZE=300$/m);
    expect(synced.reference).toMatch(/^\| `LOBBY_HISTORY_SIZE` \| `300` \| .*\(0–5000\) \|$/m);
    expect(synced.undescribed).toEqual(['NEW_SETTING']);
  });
});
