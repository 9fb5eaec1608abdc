/**
 * Collects writes that arrive while a commit is in flight and commits them together, so many messages
 * share one transaction (and one fsync). A lone write is committed on the next turn of the event loop, so
 * batching adds no waiting when the server is quiet. Each submitter's promise settles when its own batch
 * has committed (or failed), which is what lets callers acknowledge only durable writes. The commit reports an
 * outcome per item, so a batch that could not be written whole can still fail only the items at fault; a commit
 * that throws fails the whole batch.
 */
export class GroupCommit<T, R> {
  private queue: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly commit: (items: T[]) => Promise<PromiseSettledResult<R>[]>,
    private readonly maxBatch: number,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.running ??= new Promise<void>((done) => setImmediate(done)).then(() => this.drainQueue());
    });
  }

  /** Resolves once everything submitted so far has been committed or has failed. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drainQueue(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const outcomes = await this.commit(batch.map((entry) => entry.item));
        batch.forEach((entry, i) => {
          const outcome = outcomes[i];
          if (outcome.status === 'fulfilled') entry.resolve(outcome.value);
          else entry.reject(outcome.reason);
        });
      } catch (error) {
        batch.forEach((entry) => entry.reject(error));
      }
    }
    this.running = null;
  }
}
