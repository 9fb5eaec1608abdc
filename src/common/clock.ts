/**
 * Time, injected: everything that reads the time (message dates, mute expiry, presence leases) asks the Clock,
 * so tests can move time with a fake one (`overrideProvider(Clock)`) instead of faking `Date` globally.
 */
export abstract class Clock {
  /** Milliseconds since the Unix epoch. */
  abstract now(): number;
  /** Calls `task` every `ms` milliseconds until the returned function is called. Never keeps the process alive. */
  abstract every(ms: number, task: () => void): () => void;
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
}
