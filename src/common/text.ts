/**
 * Text rules both protocols and both databases share. PostgreSQL cannot store NUL in text, and a lone UTF-16
 * surrogate has no UTF-8 form (drivers store a replacement character), so such texts are refused up front, the
 * same way on every store, instead of failing (or being altered) in the database.
 */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

// NUL, or a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True for a text with nothing visible: whitespace, format characters (zero-width spaces and joiners, the
 * byte-order mark, bidi marks), variation selectors and the blank "filler" letters. Such a text counts as empty.
 */
export function isBlank(text: string): boolean {
  return INVISIBLE_ONLY.test(text);
}

const INVISIBLE_ONLY =
  // eslint-disable-next-line no-misleading-character-class -- each listed mark counts alone, as an invisible character
  /^[\p{White_Space}\p{Cf}\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u2800\u3164\uFE00-\uFE0F\uFFA0]*$/u;

/** Length in Unicode code points, so an emoji counts as one. */
export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
