import { describe, expect, it } from 'vitest';
import { randomBase64url } from './random-strings.js';

describe('randomBase64url', () => {
  it('gives the asked number of bytes as unpadded URL-safe base64', () => {
    for (const bytes of [1, 16, 32, 5000]) {
      const text = randomBase64url(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(text, 'base64url')).toHaveLength(bytes);
    }
  });

  it('never hands out the same bytes twice, across many refills of its pool', () => {
    // 16-byte values over 25 pools of 4 KB: a byte handed out twice would repeat a value (or a value's halves).
    const values = Array.from({ length: 6400 }, () => randomBase64url(16));
    expect(new Set(values).size).toBe(values.length);
    const halves = values.flatMap((value) => {
      const raw = Buffer.from(value, 'base64url');
      return [raw.subarray(0, 8).toString('hex'), raw.subarray(8).toString('hex')];
    });
    expect(new Set(halves).size).toBe(halves.length);
  });
});
