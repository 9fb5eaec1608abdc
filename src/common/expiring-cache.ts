import type { Clock } from './clock.js';

/**
 * A bounded map of answers read from somewhere slower (the database, a remote service). At most `maxEntries`
 * entries (the least recently used goes first) and none older than `ttlMs`. Whoever owns one decides what it
 * may hold and calls `invalidate` when a held answer may have changed; `load` does not store an answer read
 * while an invalidation happened, so an answer read before a change never outlives it. Concurrent loads of one key
 * share one read (a reconnect storm of one app's sockets reads the app once), unless an invalidation came between.
 */
export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();
  /** Bumped by every invalidation: a load that saw it change stores nothing, and no later load joins its read. */
  private generation = 0;
  /** Reads in flight by key, with the generation each started in. */
  private readonly reading = new Map<K, { generation: number; value: Promise<V> }>();

  constructor(
    private readonly clock: Clock,
    private readonly maxEntries: number,
    private readonly ttlMs: number,
  ) {}

  /** The held answer for `key`, or else `read()`'s, which is kept when `keep` accepts it. */
  async load(key: K, read: () => Promise<V>, keep: (value: V) => boolean = () => true): Promise<V> {
    const held = this.get(key);
    if (held !== undefined) return held;
    const inFlight = this.reading.get(key);
    if (inFlight?.generation === this.generation) return inFlight.value;
    const flight = { generation: this.generation, value: read() };
    this.reading.set(key, flight);
    try {
      const value = await flight.value;
      if (flight.generation === this.generation && keep(value)) this.set(key, value);
      return value;
    } finally {
      if (this.reading.get(key) === flight) this.reading.delete(key);
    }
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.clock.now()) return undefined;
    this.entries.set(key, entry); // now the most recently used
    return entry.value;
  }

  /** Forgets `key`, or with a predicate every entry it matches; loads in flight will not store their answers. */
  invalidate(match: K | ((key: K, value: V) => boolean)): void {
    this.generation++;
    if (typeof match !== 'function') {
      this.entries.delete(match);
      return;
    }
    const matches = match as (key: K, value: V) => boolean;
    for (const [key, entry] of this.entries) if (matches(key, entry.value)) this.entries.delete(key);
  }

  /** Holds `value` for `key` from now (nothing while either bound is 0); the least recently used goes when full. */
  set(key: K, value: V): void {
    if (this.maxEntries <= 0 || this.ttlMs <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, { value, expiresAt: this.clock.now() + this.ttlMs });
  }
}
