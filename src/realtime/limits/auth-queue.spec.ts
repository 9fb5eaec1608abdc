import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/app-config.js';
import { AuthQueue, AuthQueueFullError } from './auth-queue.js';

/** A promise and its resolver, so a test decides when each auth ends. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('AuthQueue', () => {
  it('runs AUTH_CONCURRENCY auths at once, the rest in arrival order, and turns away more than AUTH_QUEUE_MAX', async () => {
    const queue = new AuthQueue(loadConfig({ AUTH_CONCURRENCY: '2', AUTH_QUEUE_MAX: '2' }).limits);
    const started: number[] = [];
    const ends = [0, 1, 2, 3].map(() => deferred());
    const runs = ends.map((end, i) =>
      queue.run(async () => {
        started.push(i);
        await end.promise;
        return i;
      }),
    );
    await expect(queue.run(async () => 99)).rejects.toBeInstanceOf(AuthQueueFullError);
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(queue.waiting).toBe(2);

    ends[1].resolve();
    expect(await runs[1]).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    expect(queue.waiting).toBe(1);

    ends[0].resolve();
    ends[2].resolve();
    ends[3].resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(queue.waiting).toBe(0);
    // Every turn was given back: two run at once again.
    const again = [deferred(), deferred()];
    const both = again.map((end) => queue.run(() => end.promise));
    expect(queue.waiting).toBe(0);
    again.forEach((end) => end.resolve());
    await Promise.all(both);
  });

  it('gives the turn on when an auth fails', async () => {
    const queue = new AuthQueue(loadConfig({ AUTH_CONCURRENCY: '1' }).limits);
    const failing = queue.run(async () => {
      throw new Error('directory down');
    });
    const next = queue.run(async () => 'next');
    await expect(failing).rejects.toThrow('directory down');
    expect(await next).toBe('next');
  });
});
