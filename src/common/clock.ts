/**
 * Time, injected: everything that reads the time (message dates, mute expiry, presence leases) or waits for it
 * (webhook rounds) asks the Clock, so tests can move time with a fake one (`overrideProvider(Clock)`) instead of
 * faking `Date` globally.
 */
export abstract class Clock {
  /** Milliseconds since the Unix epoch. */
  abstract now(): number;
  /** Calls `task` every `ms` milliseconds until the returned function is called. Never keeps the process alive. */
  abstract every(ms: number, task: () => void): () => void;
  /**
   * Calls `task` once, when `ms` milliseconds have passed on this clock, unless the returned function is called
   * first (calling it afterwards does nothing). Never calls `task` before returning, even for 0 ms, so the caller
   * holds the cancel function before its task can run. Never keeps the process alive.
   */
  abstract after(ms: number, task: () => void): () => void;
}

export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }

  every(ms: number, task: () => void): () => void {
    const timer = setInterval(task, ms);
    timer.unref();
    return () => clearInterval(timer);
  }

  after(ms: number, task: () => void): () => void {
    const timer = setTimeout(task, ms);
    timer.unref();
    return () => clearTimeout(timer);
  }
}
