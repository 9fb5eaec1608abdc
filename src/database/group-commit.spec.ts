import { describe, expect, it } from 'vitest';
import { until } from '../../test/support/until.js';
import { GroupCommit } from './group-commit.js';

const fulfilled = <R>(value: R): PromiseSettledResult<R> => ({ status: 'fulfilled', value });

/** A commit's hold: the commit awaits `promise`, the test calls `release`. */
function held(): { promise: Promise<void>; release: () => void } {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe('GroupCommit', () => {
  it('commits writes submitted in the same tick as one batch, in order', async () => {
    const batches: number[][] = [];
    const writer = new GroupCommit<number, string>(async (items) => {
      batches.push(items);
      return items.map((n) => fulfilled(`#${n}`));
    }, 100);
    const results = await Promise.all([1, 2, 3].map((n) => writer.submit(n)));
    expect(results).toEqual(['#1', '#2', '#3']);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('batches what arrives during a commit into the next one, capped at maxBatch', async () => {
    const batches: number[][] = [];
    const firstCommit = held();
    const writer = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await firstCommit.promise;
      return items.map(fulfilled);
    }, 2);
    const first = writer.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map((n) => writer.submit(n));
    firstCommit.release();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([[1], [2, 3], [4]]);
  });

  it('rejects every write of a failed batch and keeps serving later ones', async () => {
    let fail = true;
    const writer = new GroupCommit<number, number>(async (items) => {
      if (fail) throw new Error('disk full');
      return items.map(fulfilled);
    }, 10);
    const failed = [writer.submit(1), writer.submit(2)];
    await expect(Promise.all(failed)).rejects.toThrow('disk full');
    await expect(failed[1]).rejects.toThrow('disk full');
    fail = false;
    expect(await writer.submit(3)).toBe(3);
  });

  it('rejects only the items the commit reports failed', async () => {
    const writer = new GroupCommit<number, number>(
      async (items) =>
        items.map((n): PromiseSettledResult<number> =>
          n === 2 ? { status: 'rejected', reason: new Error('bad row') } : fulfilled(n),
        ),
      10,
    );
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => writer.submit(n)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('flush waits for writes in flight', async () => {
    const committed: number[] = [];
    const writer = new GroupCommit<number, number>(async (items) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      committed.push(...items);
      return items.map(fulfilled);
    }, 10);
    void writer.submit(7);
    await writer.flush();
    expect(committed).toEqual([7]);
  });

  it('with maxInFlight, commits the next batch while one commits, and settles batches in the order they started', async () => {
    const log: string[] = [];
    const firstCommit = held();
    const writer = new GroupCommit<number, number>(
      async (items) => {
        log.push(`start ${items.join(',')}`);
        if (items.includes(1)) await firstCommit.promise;
        log.push(`end ${items.join(',')}`);
        return items.map((n) => (n === 3 ? { status: 'rejected', reason: new Error('bad row') } : fulfilled(n)));
      },
      10,
      2,
    );
    const settled = (n: number) => (outcome: unknown) => void log.push(`settled ${n} ${String(outcome)}`);
    const writes = [writer.submit(1)];
    await new Promise((resolve) => setImmediate(resolve));
    writes.push(writer.submit(2), writer.submit(3));
    writes.forEach((write, i) => void write.then(settled(i + 1), settled(i + 1)));
    await until(() => log.includes('end 2,3'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['start 1', 'start 2,3', 'end 2,3']);
    firstCommit.release();
    await writer.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual([
      'start 1',
      'start 2,3',
      'end 2,3',
      'end 1',
      'settled 1 1',
      'settled 2 2',
      'settled 3 Error: bad row',
    ]);
  });

  it('settles a failed batch in its turn too', async () => {
    const order: string[] = [];
    const firstCommit = held();
    const writer = new GroupCommit<number, number>(
      async (items) => {
        if (items.includes(1)) await firstCommit.promise;
        if (items.includes(2)) throw new Error('disk full');
        return items.map(fulfilled);
      },
      10,
      2,
    );
    const first = writer.submit(1).then(() => order.push('1'));
    await new Promise((resolve) => setImmediate(resolve));
    const second = writer.submit(2).catch(() => order.push('2 failed'));
    await new Promise((resolve) => setImmediate(resolve));
    firstCommit.release();
    await Promise.all([first, second]);
    expect(order).toEqual(['1', '2 failed']);
  });

  it('starts a batch holding an item that needs earlier writes committed only after the batches in flight', async () => {
    const log: string[] = [];
    const firstCommit = held();
    const writer = new GroupCommit<number, number>(
      async (items) => {
        log.push(`start ${items.join(',')}`);
        if (items.includes(1)) await firstCommit.promise;
        log.push(`end ${items.join(',')}`);
        return items.map(fulfilled);
      },
      10,
      3,
      (n) => n >= 100,
    );
    const first = writer.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const lookup = writer.submit(100);
    const after = writer.submit(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['start 1']);
    firstCommit.release();
    expect(await Promise.all([first, lookup, after])).toEqual([1, 100, 2]);
    expect(log).toEqual(['start 1', 'end 1', 'start 100,2', 'end 100,2']);
  });
});
