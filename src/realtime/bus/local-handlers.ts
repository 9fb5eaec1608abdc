import type { Clock } from '../../common/clock.js';
import type { PresenceOrder } from '../presence/presence-order.js';
import type { Delivery, DeliveryHandler, Subscription } from './delivery-bus.js';

/**
 * Counted room watches of one subscription, shared by the bus implementations: `watch` and `unwatch` report
 * when a room gains its first watch or loses its last one.
 */
export class RoomWatches {
  private readonly counts = new Map<string, number>();

  /** True when `room` was not watched before. */
  add(room: string): boolean {
    const count = this.counts.get(room) ?? 0;
    this.counts.set(room, count + 1);
    return count === 0;
  }

  /** True when `room` is no longer watched. */
  remove(room: string): boolean {
    const count = this.counts.get(room);
    if (count === undefined) return false;
    if (count > 1) {
      this.counts.set(room, count - 1);
      return false;
    }
    this.counts.delete(room);
    return true;
  }

  has(room: string): boolean {
    return this.counts.has(room);
  }

  rooms(): string[] {
    return [...this.counts.keys()];
  }

  clear(): void {
    this.counts.clear();
  }
}

/**
 * Handlers of one channel, by the rooms they watch. `onFirstWatch` runs when a room gains its first handler
 * (a remote bus subscribes then) and every later watch of that room waits for it too; `onLastUnwatch` runs when
 * the room loses its last handler. A room watched by one handler (the usual case: one per instance and channel,
 * for each user's room) holds that handler alone, not a Set of one; and a room's first watch is remembered only
 * until it has succeeded, so an idle room costs a map entry, not a Set and a promise.
 */
export class LocalHandlers {
  private readonly byRoom = new Map<string, DeliveryHandler | Set<DeliveryHandler>>();
  /** The first watch of each room, while it runs, or when it failed (later watches of the room fail with it). */
  private readonly ready = new Map<string, Promise<void>>();

  /** `presence`: where deliveries can cross (several processes), what keeps each subject's changes in order. */
  constructor(private readonly presence: { order: PresenceOrder; clock: Clock } | null = null) {}

  subscribe(
    handler: DeliveryHandler,
    onFirstWatch: (room: string) => Promise<void> = async () => {},
    onLastUnwatch: (room: string) => void = () => {},
    onCaughtUp: (room: string, messageId: number) => void = () => {},
  ): Subscription {
    const watches = new RoomWatches();
    const detach = (room: string) => {
      const handlers = this.byRoom.get(room);
      if (handlers instanceof Set) {
        handlers.delete(handler);
        if (handlers.size === 1) this.byRoom.set(room, handlers.values().next().value!);
        if (handlers.size > 0) return;
      } else if (handlers !== handler) {
        return;
      }
      this.byRoom.delete(room);
      this.ready.delete(room);
      onLastUnwatch(room);
    };
    return {
      watch: async (room) => {
        if (watches.add(room)) {
          const handlers = this.byRoom.get(room);
          if (handlers === undefined) {
            this.byRoom.set(room, handler);
            this.firstWatch(room, onFirstWatch(room));
          } else if (handlers instanceof Set) {
            handlers.add(handler);
          } else if (handlers !== handler) {
            this.byRoom.set(room, new Set([handlers, handler]));
          }
        }
        await this.ready.get(room);
      },
      unwatch: (room) => {
        if (watches.remove(room)) detach(room);
      },
      caughtUp: (room, messageId) => {
        if (watches.has(room)) onCaughtUp(room, messageId);
      },
      close: () => {
        watches.rooms().forEach(detach);
        watches.clear();
      },
    };
  }

  /** Handlers that watch the room during a delivery get the next one, not this one: hence the copy of several. */
  deliver(delivery: Delivery): void {
    const handlers = this.byRoom.get(delivery.room);
    if (!handlers || this.superseded(delivery)) return;
    if (handlers instanceof Set) for (const handler of [...handlers]) handler(delivery);
    else handlers(delivery);
  }

  /** A presence change older than one already handed over for its room and subject ("Presence in order"). */
  private superseded({ room, presenceOf, presenceVersion }: Delivery): boolean {
    if (!this.presence || presenceOf === undefined || presenceVersion === undefined) return false;
    return !this.presence.order.admit(`${room}\n${presenceOf}`, presenceVersion, this.presence.clock.now());
  }

  /** Every watch of `room` waits for its first one; once that has succeeded there is nothing left to wait for. */
  private firstWatch(room: string, watched: Promise<void>): void {
    this.ready.set(room, watched);
    watched.then(
      () => {
        if (this.ready.get(room) === watched) this.ready.delete(room);
      },
      () => {},
    );
  }

  watchedRooms(): string[] {
    return [...this.byRoom.keys()];
  }
}
