import { describe, expect, it } from 'vitest';
import { SharedReads } from './shared-reads.js';

describe('SharedReads', () => {
  it('shares one read among callers that asked before it started, and starts another for later ones', async () => {
    const reads = new SharedReads<string, number>();
    const started: ((value: number) => void)[] = [];
    const read = () => new Promise<number>((resolve) => started.push(resolve));
    const first = reads.read('k', read);
    const second = reads.read('k', read);
    await Promise.resolve();
    expect(started).toHaveLength(1);
    // Asked while the read runs: it may have missed what this caller did first, so the caller waits for the next.
    const third = reads.read('k', read);
    const fourth = reads.read('k', read);
    started[0](1);
    expect(await Promise.all([first, second])).toEqual([1, 1]);
    expect(started).toHaveLength(2);
    started[1](2);
    expect(await Promise.all([third, fourth])).toEqual([2, 2]);
  });

  it('keeps keys apart, and a failed read fails only its own callers', async () => {
    const reads = new SharedReads<string, number>();
    const failed = reads.read('a', () => Promise.reject(new Error('down')));
    const other = reads.read('b', async () => 7);
    await expect(failed).rejects.toThrow('down');
    expect(await other).toBe(7);
    expect(await reads.read('a', async () => 8)).toBe(8);
  });
});
