import { describe, expect, it } from 'vitest';
import { OverloadedError } from '../../common/refusal.js';
import { SerialQueue } from './serial-queue.js';

describe('SerialQueue', () => {
  it('runs work one at a time, in order, whether earlier work succeeded or failed', async () => {
    const queue = new SerialQueue(10);
    const log: string[] = [];
    const step = (name: string, ms: number, fail = false) =>
      queue.run(async () => {
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([step('a', 20), step('b', 1, true), step('c', 5)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('refuses work past its bound without running it, and takes work again once the queue drains', async () => {
    const queue = new SerialQueue(2);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let ran = 0;
    const first = queue.run(() => gate.then(() => ran++));
    const second = queue.run(async () => ran++);
    await expect(queue.run(async () => ran++)).rejects.toBeInstanceOf(OverloadedError);
    release();
    await Promise.all([first, second]);
    expect(ran).toBe(2);
    await expect(queue.run(async () => 'again')).resolves.toBe('again');
  });
});
