import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN_TOKEN } from './server.js';

/**
 * A generous deadline for the control connection: it tests that the server is still serving (its event loop is
 * not frozen by the fault), not how fast it is.
 */
export const CONTROL_DEADLINE_MS = 400;

/**
 * The control connection: an API read (it goes to the database) every 100 ms while a fault lasts. `stop()` resolves
 * with how many were made, the ones not answered 200 within `deadlineMs`, and the slowest answer.
 */
export function keepChecking(
  url: string,
  path: string,
  deadlineMs = CONTROL_DEADLINE_MS,
): { stop(): Promise<{ checks: number; failures: string[]; slowestMs: number }> } {
  let running = true;
  let checks = 0;
  let slowestMs = 0;
  const failures: string[] = [];
  const loop = (async () => {
    while (running) {
      checks += 1;
      const sent = performance.now();
      try {
        const response = await fetch(url + path, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
          signal: AbortSignal.timeout(deadlineMs),
        });
        await response.arrayBuffer();
        if (response.status !== 200) failures.push(`status ${response.status}`);
        slowestMs = Math.max(slowestMs, performance.now() - sent);
      } catch (error) {
        failures.push(String(error));
      }
      await sleep(100);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { checks, failures, slowestMs };
    },
  };
}
