import { Turns } from '../common/turns.js';

/**
 * Collects writes that arrive while a commit is in flight and commits them together, so many messages
 * share one transaction (and one fsync). A lone write is committed on the next turn of the event loop, so
 * batching adds no waiting when the server is quiet. Each submitter's promise settles when its own batch
 * has committed (or failed), which is what lets callers acknowledge only durable writes. The commit reports an
 * outcome per item, so a batch that could not be written whole can still fail only the items at fault; a commit
 * that throws fails the whole batch.
 *
 * Up to `maxInFlight` batches may be committing at once (PostgreSQL: each on its own pooled connection, so one
 * batch's round trips no longer hold back the next). Batches start in submission order and may then commit in any
 * order, but they settle in the order they started: a batch that committed early waits for the ones before it, so
 * what callers do once their writes settle (acknowledge, deliver) follows the order of the writes. An item
 * for which `needsEarlierCommitted` is true (a write that looks up earlier writes, such as a resend check) is in a
 * batch that starts only once every earlier batch has settled, so the lookup sees them.
 */
export class GroupCommit<T, R> {
  private queue: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;
  /** Called whenever a batch settles: what `flush` waits on. */
  private settledWaiters: (() => void)[] = [];
  /** Batches settle in these turns, taken as they start. */
  private readonly settling = new Turns();

  constructor(
    private readonly commit: (items: T[]) => Promise<PromiseSettledResult<R>[]>,
    private readonly maxBatch: number,
    private readonly maxInFlight = 1,
    private readonly needsEarlierCommitted: (item: T) => boolean = () => false,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once everything submitted so far has been committed or has failed. */
  async flush(): Promise<void> {
    while (this.queue.length || this.inFlight || this.scheduled) {
      await new Promise<void>((resolve) => this.settledWaiters.push(resolve));
    }
  }

  /** Starts batches on the next turn of the event loop, so what arrives in this one joins them. */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(this.startScheduled);
  }

  /** One function for every turn `schedule` asks for, rather than a closure each time (about one per message). */
  private readonly startScheduled = (): void => {
    this.scheduled = false;
    this.startBatches();
  };

  private startBatches(): void {
    while (this.queue.length && this.inFlight < this.maxInFlight) {
      const size = Math.min(this.queue.length, this.maxBatch);
      if (this.inFlight > 0 && this.queue.slice(0, size).some((entry) => this.needsEarlierCommitted(entry.item))) {
        return; // started again when the batches in flight settle
      }
      void this.commitBatch(this.queue.splice(0, size));
    }
  }

  private async commitBatch(batch: GroupCommit<T, R>['queue']): Promise<void> {
    this.inFlight += 1;
    const turn = this.settling.take();
    let outcomes: PromiseSettledResult<R>[];
    try {
      outcomes = await this.commit(batch.map((entry) => entry.item));
    } catch (error) {
      outcomes = batch.map(() => ({ status: 'rejected', reason: error }));
    }
    await turn.ready;
    batch.forEach((entry, i) => {
      const outcome = outcomes[i];
      if (outcome.status === 'fulfilled') entry.resolve(outcome.value);
      else entry.reject(outcome.reason);
    });
    turn.done();
    this.inFlight -= 1;
    // What arrived during the commit is already waiting: the next batch starts now, without another turn.
    this.startBatches();
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    waiters.forEach((wake) => wake());
  }
}
