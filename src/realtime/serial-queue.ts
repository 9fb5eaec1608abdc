import { OverloadedError } from '../common/refusal.js';

/**
 * One connection's requests, run one after another so a client's messages keep their order, with a bound on
 * how many may wait: a client that sends faster than its requests complete is refused rather than allowed to
 * grow the server's memory. What the client then sees is each gateway's choice (both close the connection).
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  constructor(private readonly max: number) {}

  /** Runs `work` after every earlier one settled; rejects with OverloadedError, without running it, when full. */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.waiting >= this.max) {
      return Promise.reject(new OverloadedError(`more than ${this.max} requests in flight on one connection`));
    }
    this.waiting += 1;
    const result = this.tail.then(work);
    this.tail = result.then(
      () => void (this.waiting -= 1),
      () => void (this.waiting -= 1),
    );
    return result;
  }
}
