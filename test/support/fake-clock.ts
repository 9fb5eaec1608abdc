import { Clock } from '../../src/common/clock.js';

/** A clock that moves only when told; `every` timers fire as `advance` passes their due times. */
export class FakeClock extends Clock {
  private timers: { due: number; ms: number; task: () => void }[] = [];

  constructor(private current = Date.UTC(2026, 0, 1)) {
    super();
  }

  now(): number {
    return this.current;
  }

  every(ms: number, task: () => void): () => void {
    const timer = { due: this.current + ms, ms, task };
    this.timers.push(timer);
    return () => (this.timers = this.timers.filter((t) => t !== timer));
  }

  /** Moves time forward, running each timer that comes due, in order, as often as it comes due. */
  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.due <= end).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.current = next.due;
      next.due += next.ms;
      next.task();
    }
    this.current = end;
  }
}
