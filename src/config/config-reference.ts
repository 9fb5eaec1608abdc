import type { SettingShape } from './settings-reader.js';

/** Defaults computed from other settings (the demo: an SQLite file outside production; logs: JSON in production). */
export const COMPUTED_DEFAULTS: ReadonlySet<string> = new Set(['DEMO', 'LOG_FORMAT']);

/** The value `.env.example` gives a setting: its default, or nothing when it has none or it is computed. */
export function exampleValue(shape: SettingShape): string {
  return COMPUTED_DEFAULTS.has(shape.name) ? '' : (shape.fallback ?? '');
}

/** A whole-number setting's range as the reference writes it, closing its meaning: `(min–max)`. */
export const STATED_RANGE = /(\d+)–(\d+)(?=[);,])/;

export interface ReferenceFiles {
  envExample: string;
  reference: string;
}

/**
 * Brings `.env.example` and docs/configuration.md in line with the settings the server reads: each example value
 * becomes the setting's default, each reference row's default and whole-number range become the server's. The prose
 * (what a setting means, the comments) is written by people; settings that have none yet are `undescribed`, and
 * names the server no longer reads are `stale`. `npm run config:reference` writes the result; a test fails while it
 * would change anything.
 */
export function syncConfigReference(
  files: ReferenceFiles,
  shapes: SettingShape[],
): ReferenceFiles & { undescribed: string[]; stale: string[] } {
  const byName = new Map(shapes.map((shape) => [shape.name, shape]));
  const stale = new Set<string>();
  const inExample = new Set<string>();
  const envExample = files.envExample.replace(/^([A-Z][A-Z0-9_]*)=(.*)$/gm, (line, name: string) => {
    const shape = byName.get(name);
    if (!shape) {
      stale.add(name);
      return line;
    }
    inExample.add(name);
    return `${name}=${exampleValue(shape)}`;
  });
  const inReference = new Set<string>();
  const reference = files.reference
    .split('\n')
    .map((line) => {
      if (!line.startsWith('| `')) return line;
      const cells = line.split(' | ');
      const names = [...cells[0].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]);
      names.forEach((name) => (byName.has(name) ? inReference.add(name) : stale.add(name)));
      const known = names.map((name) => byName.get(name)).filter((shape) => shape !== undefined);
      if (known.length !== names.length) return line;
      cells[1] = withDefaults(cells[1], known);
      if (known.length === 1 && cells.length === 3) cells[2] = withRange(cells[2], known[0]);
      return cells.join(' | ');
    })
    .join('\n');
  const undescribed = shapes
    .map((shape) => shape.name)
    .filter((name) => name !== 'NODE_ENV' && !(inExample.has(name) && inReference.has(name)));
  return { envExample, reference, undescribed, stale: [...stale] };
}

/** A default cell with one backticked value per setting: each becomes that setting's static default. */
function withDefaults(cell: string, shapes: SettingShape[]): string {
  const values = [...cell.matchAll(/`[^`]*`/g)];
  if (values.length !== shapes.length) return cell;
  let i = 0;
  return cell.replace(/`[^`]*`/g, (value) => {
    const shape = shapes[i++];
    return shape.fallback && !COMPUTED_DEFAULTS.has(shape.name) ? `\`${shape.fallback}\`` : value;
  });
}

/** A meaning cell states a whole-number setting's range: the server's, in place of any other or at its end. */
function withRange(cell: string, shape: SettingShape): string {
  if (shape.min === undefined) return cell;
  const range = `${shape.min}–${shape.max}`;
  return STATED_RANGE.test(cell) ? cell.replace(STATED_RANGE, range) : cell.replace(/ \|$/, ` (${range}) |`);
}
