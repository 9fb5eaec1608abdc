/**
 * A lobby's word and link filter, as a pure function of its settings. Texts and blocked words are compared in a
 * folded form, so look-alikes of a blocked word match it:
 * - NFKD, the compatibility decomposition: full-width and other compatibility forms become their plain letters
 *   ("ｓｐａｍ" → "spam", "ﬁ" → "fi"), and accented letters split into a base letter and combining marks;
 * - combining marks (Unicode category M) dropped: "spåm" and "spám" fold to "spam". Letters that do not decompose
 *   ("ø", "ł", Cyrillic "а") are other letters and do not match;
 * - invisible characters (format characters such as zero-width spaces and joiners) dropped, so they cannot split
 *   a word; every run of whitespace becomes one space;
 * - lowercase.
 * A blocked word matches as a whole word: not preceded or followed by a letter, digit or underscore.
 */
export interface FilterRules {
  blockedWords: readonly string[];
  allowLinks: boolean;
}

export type MessageFilter = (text: string) => boolean;

/** Marks and invisible format characters, dropped by `fold`. */
const DROPPED = /[\p{M}\p{Cf}]/gu;
const SPACES = /\s+/gu;

export function fold(text: string): string {
  return text.normalize('NFKD').replace(DROPPED, '').replace(SPACES, ' ').toLowerCase();
}

/**
 * A link: a scheme (`https://`, `ftp://`, any `name://`), a `www.` host, or a bare host name, i.e. dot-separated
 * labels whose last one is 2 to 24 letters ("dice.example", "bit.ly/x"), not followed by a letter or digit.
 */
const LINK =
  /(?:\b[a-z][a-z0-9+.-]*:\/\/|\bwww\.|\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,24}(?![\p{L}\p{N}]))/u;

/** True when `text` (folded) contains a link. */
export function hasLink(text: string): boolean {
  return LINK.test(fold(text));
}

/**
 * A function telling whether a text breaks the rules (contains a blocked word, or a link where links are not
 * allowed). Built once per settings, so a message costs one regular expression test.
 */
export function compileFilter({ blockedWords, allowLinks }: FilterRules): MessageFilter {
  const words = [...new Set(blockedWords.map(fold).map((word) => word.trim()))].filter(Boolean);
  const blocked = words.length
    ? new RegExp(`(?<![\\p{L}\\p{N}_])(?:${words.map(escape).join('|')})(?![\\p{L}\\p{N}_])`, 'u')
    : null;
  if (!blocked && allowLinks) return () => false;
  return (text) => {
    const folded = fold(text);
    return (blocked !== null && blocked.test(folded)) || (!allowLinks && LINK.test(folded));
  };
}

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
