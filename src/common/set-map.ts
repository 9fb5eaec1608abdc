/** Sets of values by key, with empty sets dropped: connections by room, by user. */
export class SetMap<K, V> {
  private readonly sets = new Map<K, Set<V>>();

  add(key: K, value: V): void {
    let set = this.sets.get(key);
    if (!set) this.sets.set(key, (set = new Set()));
    set.add(value);
  }

  delete(key: K, value: V): void {
    const set = this.sets.get(key);
    if (set?.delete(value) && set.size === 0) this.sets.delete(key);
  }

  of(key: K): ReadonlySet<V> {
    return this.sets.get(key) ?? EMPTY;
  }

  values(): V[] {
    return [...this.sets.values()].flatMap((set) => [...set]);
  }
}

const EMPTY: ReadonlySet<never> = new Set();
