import { Clock } from '../../src/common/clock.js';

interface Timer {
  due: number;
  /** The period of an `every` timer; null for an `after` timer, which runs once. */
  ms: number | null;
  task: () => void;
}

/** A clock that moves only when told; timers (`every`, `after`) fire as `advance` passes their due times. */
export class FakeClock extends Clock {
  private timers: Timer[] = [];

  constructor(private current = Date.UTC(2026, 0, 1)) {
    super();
  }

  now(): number {
    return this.current;
  }

  every(ms: number, task: () => void): () => void {
    return this.add({ due: this.current + ms, ms, task });
  }

  after(ms: number, task: () => void): () => void {
    return this.add({ due: this.current + ms, ms: null, task });
  }

  /**
   * When each pending `after` timer comes due, soonest first: a test waits for the one it means to be set (by code
   * that sets it once some asynchronous work ends) before it moves time past it.
   */
  pendingOnce(): number[] {
    return this.timers
      .filter((t) => t.ms === null)
      .map((t) => t.due)
      .sort((a, b) => a - b);
  }

  /**
   * Moves time forward, running each timer that comes due, in order: `every` timers as often as they come due,
   * `after` timers once (those the tasks set run too, if they come due within the move).
   */
  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.due <= end).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.current = next.due;
      if (next.ms === null) this.remove(next);
      else next.due += next.ms;
      next.task();
    }
    this.current = end;
  }

  private add(timer: Timer): () => void {
    this.timers.push(timer);
    return () => this.remove(timer);
  }

  private remove(timer: Timer): void {
    this.timers = this.timers.filter((t) => t !== timer);
  }
}
