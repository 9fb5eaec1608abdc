import type { Clock } from '../../common/clock.js';
import { ExpiringCache } from '../../common/expiring-cache.js';
import type { CacheSettings } from '../../config/areas/cache.settings.js';
import { type Channel, defineChannel, type DeliveryBus, type Subscription } from './delivery-bus.js';

/** The key whose answer changed. */
type CacheEvents = { changed: number };

/**
 * Answers read from the database and kept on every instance (at most CACHE_MAX_ENTRIES, each at most CACHE_TTL_MS
 * old), for facts that change only through the one service that owns them (a lobby's mutes, an app's lobby
 * settings). Why that is safe: the owner calls `changed(key)` after storing a change, which drops the key on every
 * instance through the delivery bus, and a read that raced the change is not kept (ExpiringCache). The age bound
 * is for an announcement lost between instances (a Redis outage). Changes are rare (staff commands, the API), so
 * each channel has one room that every instance watches.
 */
export class AnnouncedCache<V> {
  private readonly entries: ExpiringCache<number, V>;
  private subscription?: Subscription;
  private readonly channel: Channel<CacheEvents>;

  constructor(
    private readonly bus: DeliveryBus,
    /** Names the cache's channel and its one room. */
    private readonly name: string,
    clock: Clock,
    cache: CacheSettings,
  ) {
    this.entries = new ExpiringCache(clock, cache.maxEntries, cache.ttlMs);
    this.channel = defineChannel<CacheEvents>(name);
  }

  /** Resolves once changes announced anywhere from then on reach this instance (call from onModuleInit). */
  async open(): Promise<void> {
    this.subscription = this.bus.subscribe(this.channel, ({ data }) => this.entries.invalidate(data));
    await this.subscription.watch(this.name);
  }

  close(): void {
    this.subscription?.close();
  }

  /** The held answer for `key`, or else `read()`'s. */
  load(key: number, read: () => Promise<V>): Promise<V> {
    return this.entries.load(key, read);
  }

  /** `key` changed in the database: every instance reads it again. */
  changed(key: number): void {
    this.bus.publish(this.channel, { room: this.name, event: 'changed', data: key });
  }
}
