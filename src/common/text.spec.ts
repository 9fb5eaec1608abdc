import { describe, expect, it } from 'vitest';
import { codePoints, isBlank, isStorableText } from './text.js';

describe('text rules', () => {
  it('refuses NUL and lone surrogates, keeps paired ones', () => {
    expect(isStorableText('a\u0000b')).toBe(false);
    expect(isStorableText('a\uD800b')).toBe(false);
    expect(isStorableText('a\uDC00')).toBe(false);
    expect(isStorableText('\uDC00\uD800')).toBe(false);
    expect(isStorableText("ok 😀 <b>x</b> '; DROP TABLE messages; --")).toBe(true);
  });

  it('counts text of invisible characters only as blank', () => {
    expect(isBlank('\u200B\u200C\u200D\u2060\uFEFF \t\u00A0\u3164\u180E')).toBe(true);
    expect(isBlank('\u200Bx')).toBe(false);
    expect(isBlank('')).toBe(true);
  });

  it('counts code points', () => {
    expect(codePoints('a😀')).toBe(2);
  });
});
