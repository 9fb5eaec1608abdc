import { describe, expect, it } from 'vitest';
import { compileFilter, fold, hasLink } from './message-filter.js';

describe('message filter', () => {
  const filter = compileFilter({ blockedWords: ['spam', 'Free Coins', 'c++'], allowLinks: true });

  it.each([
    ['spam', true],
    ['SPAM here', true],
    ['buy ｓｐａｍ now', true], // full-width
    ['spåm', true], // a with ring above
    ['spa\u0301m', true], // combining acute accent
    ['sp\u200bam', true], // zero-width space inside
    ['get FREE   coins!', true],
    ['I love c++.', true],
    ['spammer', false],
    ['antispam', false],
    ['spam_bot', false],
    ['sp am', false],
    ['spøm', false], // ø does not decompose: another letter
    ['hello', false],
  ])('%j blocked: %s', (text, blocked) => {
    expect(filter(text)).toBe(blocked);
  });

  it('folds compatibility forms, marks and invisible characters', () => {
    expect(fold('Ｆｕｌｌ Wídth\u200d ﬁne')).toBe('full width fine');
  });

  it.each([
    ['see https://dice.example/x', true],
    ['HTTP://X', true],
    ['www.example', true],
    ['visit dice.example now', true],
    ['bit.ly/abc', true],
    ['ｄｉｃｅ．ｃｏｍ', true],
    ['ok.thanks', true],
    ['version 1.2.3', false],
    ['e.g. this', false],
    ['a sentence. Another', false],
    ['no links here', false],
  ])('%j has a link: %s', (text, link) => {
    expect(hasLink(text)).toBe(link);
  });

  it('blocks links only where they are not allowed, and passes everything with no rules', () => {
    expect(compileFilter({ blockedWords: [], allowLinks: false })('go to dice.example')).toBe(true);
    expect(compileFilter({ blockedWords: [], allowLinks: true })('go to dice.example spam')).toBe(false);
  });
});
