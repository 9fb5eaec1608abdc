import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthDeadline } from './auth-deadline.js';

describe('AuthDeadline', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires a connection that never authenticates, and waits while its auth is queued or running', async () => {
    vi.useFakeTimers();
    const expired: number[] = [];
    const silent = new AuthDeadline(1000, () => expired.push(Date.now()));
    const start = Date.now();
    vi.advanceTimersByTime(1000);
    expect(expired).toEqual([start + 1000]);

    const waiting: (() => void)[] = [];
    const queued = new AuthDeadline(1000, () => expired.push(-1));
    const auth = queued.during(() => new Promise<void>((resolve) => waiting.push(resolve)));
    vi.advanceTimersByTime(2500);
    expect(expired).toEqual([start + 1000]);
    waiting[0]();
    await auth;
    // The auth ended without signing in: the term running since 2000 ms ends at 3000 ms.
    vi.advanceTimersByTime(500);
    expect(expired).toEqual([start + 1000, -1]);
    silent.clear();
  });

  it('never fires once cleared', () => {
    vi.useFakeTimers();
    let fired = false;
    new AuthDeadline(1000, () => (fired = true)).clear();
    vi.advanceTimersByTime(5000);
    expect(fired).toBe(false);
  });
});
