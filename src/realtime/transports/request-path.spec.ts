import { describe, expect, it } from 'vitest';
import { requestPath } from './request-path.js';

describe('requestPath', () => {
  it('reads a plain path off the target, with or without a query', () => {
    expect(requestPath('/seller')).toBe('/seller');
    expect(requestPath('/seller?token=a%20b&x=/y#z')).toBe('/seller');
    expect(requestPath('/socket.io/?EIO=4&transport=websocket')).toBe('/socket.io/');
    expect(requestPath('/a-b/c_d/')).toBe('/a-b/c_d/');
  });

  it('gives what URL parsing gives for every target', () => {
    const targets = [
      undefined,
      '',
      '/',
      '/seller',
      '/seller/',
      '/seller?',
      '/seller?a=1',
      '/seller#frag',
      '/seller/../seller',
      '/./seller',
      '/sel%6Cer',
      '/Seller',
      '//seller',
      '//seller/x',
      '/a//b',
      '/seller\t',
      '/sel\nler',
      '\\seller',
      '/sel\\ler',
      '/sel ler',
      '/séller',
      'seller',
      'http://other/seller',
      '/seller;x',
      '*',
      '/socket.io/',
      '/socket.io/?EIO=4',
      '/a.b/c.d',
      '/.',
      '/..',
      '/./',
      '/../x',
      '/a/.',
      '/a/..',
      '/a/.?x',
      '/a/..?x',
      '/.a',
      '/..a/',
      '/a../',
      '/...',
      '/a/%2e/b',
      '/a/.%2e/b',
    ];
    for (const target of targets) {
      let expected: string | null;
      try {
        expected = new URL(target ?? '/', 'ws://localhost').pathname;
      } catch {
        expected = null;
      }
      expect(requestPath(target), JSON.stringify(target)).toBe(expected);
    }
  });
});
