/**
 * Counts of things held (open connections) by key, each up to a maximum, in this instance's memory: a key that
 * holds nothing is dropped, and one that holds something costs a map entry (a rate limiter's record per key was
 * three times that, for every signed-in user).
 */
export class HeldCounts<K> {
  private readonly counts = new Map<K, number>();

  constructor(private readonly max: number) {}

  /** Takes one; false, and nothing taken, when `key` already holds the maximum. */
  take(key: K): boolean {
    const held = this.counts.get(key) ?? 0;
    if (held >= this.max) return false;
    this.counts.set(key, held + 1);
    return true;
  }

  /** Gives one back. */
  give(key: K): void {
    const held = this.counts.get(key);
    if (held === undefined) return;
    if (held > 1) this.counts.set(key, held - 1);
    else this.counts.delete(key);
  }
}
