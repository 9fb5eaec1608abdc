import { describe, expect, it } from 'vitest';
import { nestsDeeperThan, textNestsDeeperThan } from './json-depth.js';

/** `levels` arrays or objects, one inside the other, around a string. */
function nested(levels: number, kind: 'array' | 'object'): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < levels; i++) value = kind === 'array' ? [value] : { v: value };
  return value;
}

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, not scalars', () => {
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan(null, 0)).toBe(false);
    expect(nestsDeeperThan(7, 0)).toBe(false);
    expect(nestsDeeperThan({}, 0)).toBe(true);
    expect(nestsDeeperThan({}, 1)).toBe(false);
    expect(nestsDeeperThan({ a: 1, b: 'x', c: null }, 1)).toBe(false);
  });

  it('is exact at the limit, for objects, arrays and a mix', () => {
    for (const kind of ['array', 'object'] as const) {
      expect(nestsDeeperThan(nested(32, kind), 32)).toBe(false);
      expect(nestsDeeperThan(nested(33, kind), 32)).toBe(true);
    }
    const mixed = { command: 'message', data: [{ a: [{ b: 1 }] }] };
    expect(nestsDeeperThan(mixed, 5)).toBe(false);
    expect(nestsDeeperThan(mixed, 4)).toBe(true);
  });

  it('finds the deep branch beside shallow ones, and forgets it for the next call', () => {
    const wide = { shallow: [1, 2, 3], other: { x: 1 }, deep: nested(40, 'object') };
    expect(nestsDeeperThan(wide, 32)).toBe(true);
    expect(nestsDeeperThan({ shallow: [1, 2, 3] }, 2)).toBe(false);
  });

  it('measures a hostile 40,000-level value without overflowing the stack', () => {
    const hostile = JSON.parse('['.repeat(40_000) + ']'.repeat(40_000)) as unknown;
    expect(nestsDeeperThan(hostile, 32)).toBe(true);
  });

  it('looks at own keys only, as JSON.parse makes them, "__proto__" included', () => {
    const parsed = JSON.parse('{"__proto__": {"a": {"b": {}}}}') as unknown;
    expect(nestsDeeperThan(parsed, 3)).toBe(true);
    expect(nestsDeeperThan(parsed, 4)).toBe(false);
  });
});

describe('textNestsDeeperThan', () => {
  it('agrees with nestsDeeperThan on the parse, at the limit and around it', () => {
    const values = [
      'text',
      7,
      null,
      {},
      [],
      { a: 1, b: 'x', c: null },
      { command: 'message', data: [{ a: [{ b: 1 }] }] },
      { shallow: [1, 2, 3], other: { x: 1 }, deep: nested(40, 'object') },
      nested(32, 'array'),
      nested(33, 'object'),
    ];
    for (const value of values) {
      const text = JSON.stringify(value);
      for (const max of [0, 1, 2, 4, 5, 32]) {
        expect([text, max, textNestsDeeperThan(text, max)]).toEqual([text, max, nestsDeeperThan(value, max)]);
      }
    }
  });

  it('does not count brackets inside strings, escaped quotes and backslashes included', () => {
    expect(textNestsDeeperThan(JSON.stringify({ text: '[[[{{{' }), 1)).toBe(false);
    expect(textNestsDeeperThan(JSON.stringify({ text: 'say "[[[" \\', then: [[1]] }), 3)).toBe(false);
    expect(textNestsDeeperThan(JSON.stringify({ text: 'say "[[[" \\', then: [[1]] }), 2)).toBe(true);
    expect(textNestsDeeperThan(JSON.stringify({ text: '\\"' }), 1)).toBe(false);
  });

  it('measures a hostile 40,000-level text', () => {
    expect(textNestsDeeperThan('['.repeat(40_000) + ']'.repeat(40_000), 32)).toBe(true);
  });
});
