// Open-loop pacing: offers are due at a fixed rate from the start whatever the server answers, and every wait has a
// deadline.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** Milliseconds on the wall clock, to a microsecond: the same origin in every process, so a message stamped by one
 * generator process can be timed by another (the scale scenario has three). */
export const now = () => performance.timeOrigin + performance.now();

/** Calls `offer()` as offers fall due at `rate`/s from `t0` until `ms` have passed, checking every `pauseMs`; an
 * offer that returns false is not counted and ends that check. */
export async function paced(t0, { rate, ms, pauseMs }, offer) {
  const interval = 1000 / rate;
  let offered = 0;
  while (now() - t0 < ms) {
    const due = Math.floor((now() - t0) / interval) + 1;
    while (offered < due) {
      if (!offer()) break;
      offered++;
    }
    await sleep(pauseMs);
  }
}

/** Polls every `pollMs` while `busy()` holds, for `ms` at most. */
export async function waitWhile(busy, ms, pollMs) {
  const t0 = now();
  while (now() - t0 < ms && busy()) await sleep(pollMs);
}
