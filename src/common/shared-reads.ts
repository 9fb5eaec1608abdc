/**
 * Lets concurrent callers share one read per key without ever getting an answer older than their call: a caller
 * joins the next read that has not started yet, or makes one that starts when the running one ends. So a caller
 * that made sure of something before asking (it watched a room, it joined presence) gets a read that started
 * after that, as if it had read alone. Holds only the reads in flight.
 */
export class SharedReads<K, V> {
  /** Per key: the read in progress, and the one queued behind it that callers can still join. */
  private readonly running = new Map<K, Promise<V>>();
  private readonly queued = new Map<K, Promise<V>>();

  read(key: K, read: () => Promise<V>): Promise<V> {
    const queued = this.queued.get(key);
    if (queued) return queued;
    const previous = this.running.get(key);
    const next = (previous ?? Promise.resolve()).then(
      () => this.start(key, read),
      () => this.start(key, read),
    );
    this.queued.set(key, next);
    return next;
  }

  private start(key: K, read: () => Promise<V>): Promise<V> {
    const current = this.queued.get(key) as Promise<V>;
    this.queued.delete(key);
    this.running.set(key, current);
    const done = () => {
      if (this.running.get(key) === current) this.running.delete(key);
    };
    return read().finally(done);
  }
}
