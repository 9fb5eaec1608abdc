/**
 * Sets of values by key, with empty sets dropped: connections by room, by user. A key with one value (a user's one
 * connection, the usual case) holds that value alone, not a Set of one: a Set costs about 150 bytes, per key.
 */
export class SetMap<K, V> {
  private readonly sets = new Map<K, V | Many<V>>();

  add(key: K, value: V): void {
    const held = this.sets.get(key);
    if (held === undefined && !this.sets.has(key)) this.sets.set(key, value);
    else if (held instanceof Many) held.add(value);
    else if (held !== value) this.sets.set(key, new Many<V>([held as V, value]));
  }

  delete(key: K, value: V): void {
    const held = this.sets.get(key);
    if (held instanceof Many) {
      if (held.delete(value) && held.size === 1) this.sets.set(key, held.values().next().value as V);
    } else if (held === value && this.sets.has(key)) {
      this.sets.delete(key);
    }
  }

  of(key: K): Iterable<V> {
    const held = this.sets.get(key);
    if (held instanceof Many) return held;
    return held === undefined && !this.sets.has(key) ? NONE : [held as V];
  }

  values(): V[] {
    return [...this.sets.values()].flatMap((held) => (held instanceof Many ? [...held] : [held]));
  }
}

/** The values of a key with more than one: told apart from a single value that happens to be a Set itself. */
class Many<V> extends Set<V> {}

const NONE: readonly never[] = [];
