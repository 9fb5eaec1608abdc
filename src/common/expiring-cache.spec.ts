import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.js';
import { ExpiringCache } from './expiring-cache.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('ExpiringCache', () => {
  it('answers from what it holds until the entry is older than its ttl', async () => {
    const clock = new FakeClock();
    const cache = new ExpiringCache<string, number>(clock, 10, 1000);
    let reads = 0;
    const read = async () => ++reads;
    expect(await cache.load('a', read)).toBe(1);
    clock.advance(999);
    expect(await cache.load('a', read)).toBe(1);
    clock.advance(1);
    expect(await cache.load('a', read)).toBe(2);
  });

  it('holds at most maxEntries, dropping the least recently used', async () => {
    const cache = new ExpiringCache<string, string>(new FakeClock(), 2, 1000);
    await cache.load('a', async () => 'a1');
    await cache.load('b', async () => 'b1');
    expect(cache.get('a')).toBe('a1');
    await cache.load('c', async () => 'c1');
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual(['a1', undefined, 'c1']);
  });

  it('keeps only what `keep` accepts, and nothing with a zero size or ttl', async () => {
    const cache = new ExpiringCache<string, string | null>(new FakeClock(), 10, 1000);
    await cache.load(
      'missing',
      async () => null,
      (value) => value !== null,
    );
    expect(cache.get('missing')).toBeUndefined();
    const off = new ExpiringCache<string, string>(new FakeClock(), 0, 1000);
    await off.load('a', async () => 'a1');
    expect(off.get('a')).toBeUndefined();
  });

  it('forgets by key or by predicate', async () => {
    const cache = new ExpiringCache<string, number>(new FakeClock(), 10, 1000);
    for (const [key, value] of [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const)
      await cache.load(key, async () => value);
    cache.invalidate('a');
    cache.invalidate((_key, value) => value === 2);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, undefined, 3]);
  });

  it('does not keep an answer read while an invalidation happened: it may predate the change', async () => {
    const cache = new ExpiringCache<string, string>(new FakeClock(), 10, 1000);
    const slow = deferred<string>();
    const loading = cache.load('a', () => slow.promise);
    cache.invalidate('other');
    slow.resolve('before the change');
    expect(await loading).toBe('before the change');
    expect(cache.get('a')).toBeUndefined();
  });

  it('shares one read among concurrent loads of a key, and starts another after an invalidation', async () => {
    const cache = new ExpiringCache<string, string>(new FakeClock(), 10, 1000);
    const reads = [deferred<string>(), deferred<string>()];
    let started = 0;
    const read = () => reads[started++].promise;
    const first = [cache.load('a', read), cache.load('a', read)];
    expect(started).toBe(1);
    cache.invalidate('a');
    const second = cache.load('a', read);
    expect(started).toBe(2);
    reads[0].resolve('before');
    reads[1].resolve('after');
    expect(await Promise.all([...first, second])).toEqual(['before', 'before', 'after']);
    expect(cache.get('a')).toBe('after');
  });

  it('shares a failed read with the loads that joined it, and keeps nothing of it', async () => {
    const cache = new ExpiringCache<string, string>(new FakeClock(), 10, 1000);
    const failing = deferred<string>();
    let started = 0;
    const loads = [1, 2].map(() => cache.load('a', () => (started++, failing.promise)));
    failing.reject(new Error('down'));
    expect((await Promise.allSettled(loads)).map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(started).toBe(1);
    expect(await cache.load('a', async () => 'read again')).toBe('read again');
  });
});
