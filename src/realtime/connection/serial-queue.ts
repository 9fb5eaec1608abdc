import { promiseFrom } from '../../common/promise-from.js';
import { OverloadedError } from '../../common/refusal.js';

/**
 * One connection's requests, run one after another so a client's messages keep their order, with a bound on
 * how many may wait: a client that sends faster than its requests complete is refused rather than allowed to
 * grow the server's memory. ConnectionSession.run closes such a connection before the queue has to refuse.
 */
export class SerialQueue {
  private tail: Promise<unknown> = SETTLED;
  private waiting = 0;
  /**
   * One function for every request's settling, so a request allocates no closures for it: `settle` bound to the
   * queue, half the size of an arrow function and the scope it would keep.
   */
  private readonly settled: () => void = this.settle.bind(this);

  constructor(private readonly max: number) {}

  /** True when `run` would refuse the next request. */
  get full(): boolean {
    return this.waiting >= this.max;
  }

  /** Runs `work` after every earlier one settled; rejects with OverloadedError, without running it, when full. */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.full) {
      return Promise.reject(new OverloadedError(`more than ${this.max} requests in flight on one connection`));
    }
    this.waiting += 1;
    // Nothing waiting means every earlier request has settled (each one's `settled` ran): the work starts now,
    // without chaining onto the settled tail, which is most requests' case and saves a promise and a microtask.
    const result = this.waiting === 1 ? promiseFrom(work) : this.tail.then(work);
    this.tail = result.then(this.settled, this.settled);
    return result;
  }

  /** The last request settled leaves no tail to keep: the next one starts at once (`run`). */
  private settle(): void {
    if ((this.waiting -= 1) === 0) this.tail = SETTLED;
  }
}

const SETTLED: Promise<unknown> = Promise.resolve();
