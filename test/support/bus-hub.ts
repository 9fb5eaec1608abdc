import { SystemClock } from '../../src/common/clock.js';
import {
  type Channel,
  type EventMap,
  LocalDeliveryBus,
  type Publication,
} from '../../src/realtime/bus/delivery-bus.js';
import { LocalHandlers } from '../../src/realtime/bus/local-handlers.js';
import { PresenceOrder } from '../../src/realtime/presence/presence-order.js';
import { loadConfig } from '../../src/config/app-config.js';

/** How long each simulated instance orders presence changes: LATE_DELIVERY_WINDOW_MS's default, as an app has it. */
const LATE_DELIVERY_WINDOW_MS = loadConfig({}).connections.lateDeliveryWindowMs;

/**
 * The delivery buses of several simulated instances in one process, joined as Redis would join them: each bus
 * delivers its own publications to its own subscribers synchronously, and to the other buses' subscribers
 * asynchronously (after `delayMs`, serialized through JSON). `pause` holds remote deliveries until `flush`, so a
 * test can put a late delivery exactly where it wants it.
 */
export class BusHub {
  private readonly buses = new Set<HubBus>();
  private held: (() => void)[] | null = null;

  /**
   * Longer than Redis takes, on purpose: long enough that a test which assumes the bus outruns a client's next
   * connection or request fails every time here, not once in a hundred loaded CI runs.
   */
  constructor(private readonly delayMs = 10) {}

  bus(): HubBus {
    const bus = new HubBus(this);
    this.buses.add(bus);
    return bus;
  }

  pause(): void {
    this.held ??= [];
  }

  /** Delivers every held remote delivery, in publish order, and stops holding. */
  flush(): void {
    const held = this.held ?? [];
    this.held = null;
    held.forEach((deliver) => deliver());
  }

  /**
   * Resolves once every remote delivery forwarded before the call has been handed to its instance: a marker sent the
   * way they are (after them on the timer queue, or after them when held deliveries are flushed).
   */
  delivered(): Promise<void> {
    return new Promise((resolve) => (this.held ? this.held.push(resolve) : setTimeout(resolve, this.delayMs)));
  }

  forward<Events extends EventMap, Event extends keyof Events & string>(
    from: HubBus,
    channel: Channel<Events>,
    delivery: Publication<Events, Event>,
  ): void {
    const wire = JSON.stringify(delivery);
    for (const bus of this.buses) {
      if (bus === from) continue;
      const deliver = () => bus.receive(channel, JSON.parse(wire) as Publication<Events, Event>);
      if (this.held) this.held.push(deliver);
      else setTimeout(deliver, this.delayMs);
    }
  }
}

export class HubBus extends LocalDeliveryBus {
  override readonly sharedWithOtherInstances = true;

  constructor(private readonly hub: BusHub) {
    super();
  }

  /** Deliveries cross between the simulated instances, so presence is ordered as RedisDeliveryBus orders it. */
  protected override newHandlers(): LocalHandlers {
    return new LocalHandlers({ order: new PresenceOrder(LATE_DELIVERY_WINDOW_MS), clock: new SystemClock() });
  }

  override publish<Events extends EventMap, Event extends keyof Events & string>(
    channel: Channel<Events>,
    delivery: Publication<Events, Event>,
  ): void {
    super.publish(channel, delivery);
    this.hub.forward(this, channel, delivery);
  }

  /** A delivery from another instance: for this instance's subscribers only. */
  receive<Events extends EventMap, Event extends keyof Events & string>(
    channel: Channel<Events>,
    delivery: Publication<Events, Event>,
  ): void {
    super.publish(channel, delivery);
  }
}
