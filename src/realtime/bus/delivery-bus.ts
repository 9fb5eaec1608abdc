import type { Sequenced } from '../connection/push-gate.js';
import { LocalHandlers } from './local-handlers.js';

/** The events of one channel: each event's name and the payload its deliveries carry. */
export type EventMap = Record<string, unknown>;

/**
 * A channel of the bus, declared once by the feature that owns it together with its events (`defineChannel`), so
 * that publishing and subscribing are type-checked against one map: a payload that does not match its event, or
 * an event the channel does not carry, does not compile. At run time a channel is its name.
 */
export interface Channel<Events extends EventMap> {
  readonly name: string;
  /** Never set: it carries the channel's event map for the compiler. */
  readonly events?: Events;
}

export function defineChannel<Events extends EventMap>(name: string): Channel<Events> {
  return { name };
}

/** What every delivery carries besides its event and payload. */
export interface DeliveryEnvelope extends Sequenced {
  room: string;
  /** A connection that must not get it (the protocol's "to everyone but the sender"). */
  exceptConnection?: string;
  // messageId and presenceVersion (Sequenced): a connection that was just sent a history or a user list drops
  // the deliveries those already reflect, since remote deliveries can arrive after them (PushGate).
  /**
   * Whose presence the change is, within the room (a lobby member's id, a seller chat's id), with `presenceVersion`:
   * the bus hands one room and subject's changes over in version order (see DeliveryBus).
   */
  presenceOf?: string;
}

/**
 * One frame (or event) for every connection in a room, wherever that connection is held: one of its channel's
 * events with that event's payload. Gateways never fan out by themselves: they publish a Delivery and deliver the
 * ones they receive to their own local sockets, which is what lets several instances share delivery. A Delivery
 * must survive JSON serialization.
 */
export type Delivery<Events extends EventMap = EventMap> = {
  [Event in keyof Events & string]: DeliveryEnvelope & { event: Event; data: Events[Event] };
}[keyof Events & string];

export type DeliveryHandler<Events extends EventMap = EventMap> = (delivery: Delivery<Events>) => void;

/** What a publisher hands the bus: one event of the channel's map with that event's payload. */
export type Publication<Events extends EventMap, Event extends keyof Events & string> = DeliveryEnvelope & {
  event: Event;
  data: Events[Event];
};

/** A handler's interest: it receives deliveries for the rooms it watches, and for no others. */
export interface Subscription {
  /**
   * Starts receiving deliveries for `room`. Watches are counted: each `watch` needs its own `unwatch`.
   * Resolves once deliveries published anywhere after this point will arrive, so a caller that watches
   * first and reads history second misses nothing.
   */
  watch(room: string): Promise<void>;
  unwatch(room: string): void;
  /**
   * The connections this subscription is adding to `room` were just sent every message of it up to `messageId` (an
   * auth reply's history, read after `watch`): a repair of the room (see DeliveryBus) reads from there at the
   * earliest. Only for a watched room.
   */
  caughtUp(room: string, messageId: number): void;
  /** Stops every watch of this subscription. */
  close(): void;
}

/**
 * How a channel's stored messages are read back as the deliveries that announced them, registered by the feature
 * that owns the channel (`DeliveryBus.recoverWith`): the messages of `room` after the message id `afterId`, oldest
 * first, each as the delivery `publish` carried (its `messageId` set), the newest `limit` of them; `complete` when
 * none was left out. Deliveries without `messageId` among them (what the feature can tell from the database was
 * announced, such as a new chat) are delivered in their place with the repair, and only then.
 */
export type MissedMessages<Events extends EventMap = EventMap> = (
  room: string,
  afterId: number,
  limit: number,
) => Promise<{ deliveries: Delivery<Events>[]; complete: boolean }>;

/**
 * The fan-out every gateway goes through. What every implementation guarantees (and `delivery-bus.contract.ts`
 * tests on each):
 * - **Local first, synchronously.** `publish` hands the delivery to this process's matching handlers before it
 *   returns, in publish order (except in a room whose repair read runs, below). A gateway that publishes and then
 *   acknowledges therefore puts the broadcast on the wire before the ack.
 * - **Other processes later.** Other processes receive it asynchronously, in the order this process published,
 *   once. The database, not the bus, is the source of truth for stored messages:
 * - **Gaps repaired, for channels that registered `recoverWith`.** While a process's link to the others is down,
 *   their deliveries do not reach it. When the link is back (resubscribed), it reads from the database, per room it
 *   watches, the messages after the last one it delivered there (or after `caughtUp`'s id), and delivers those it had
 *   not delivered, in id order, before any newer delivery of that room: the room's live deliveries, its own
 *   publications included, wait while its repair read runs, and those the repair already delivered are dropped
 *   (the held copy, with its `exceptConnection`, goes out in the read's place). So a connection that stays
 *   connected gets every stored message of its rooms once, in order. The other side of a gap: a process whose
 *   publications failed names their message ids once it can publish again, and the others read those (late, once).
 *   Deleted messages are not in the database, so never delivered again. What no repair brings back: more than
 *   BUS_REPAIR_MAX_MESSAGES messages of one room (the newest are delivered, and the cut logged), and events that
 *   store no message and that the feature does not read back (`message_deleted`, `status`; presence is rebuilt by the
 *   presence store on its own).
 *   Past that, a connection re-reads history on its next auth, and `messageId`/`presenceVersion` let it drop what
 *   it was already sent.
 * - **Presence in order.** A delivery with `presenceOf` and `presenceVersion` older than one already handed over
 *   for the same room and subject (within LATE_DELIVERY_WINDOW_MS) is dropped: two processes' changes of one user
 *   can cross between them, and the older one must not be shown last. Every subscriber gets this, whatever its
 *   transport.
 * - **No echo.** A process never receives its own publication a second time.
 * - **Narrowed.** A handler is woken only for rooms it watches, so a process with no connection in a room
 *   does no work for it.
 */
export abstract class DeliveryBus {
  /**
   * Whether other processes publish too. When not, every delivery is synchronous and none can be late or lost,
   * so what a delivery invalidates is never behind the database: a cache may rely on that alone.
   */
  abstract readonly sharedWithOtherInstances: boolean;
  abstract publish<Events extends EventMap, Event extends keyof Events & string>(
    channel: Channel<Events>,
    delivery: Publication<Events, Event>,
  ): void;
  abstract subscribe<Events extends EventMap>(channel: Channel<Events>, handler: DeliveryHandler<Events>): Subscription;
  /**
   * How `channel`'s rooms read back the messages they missed (see "Gaps repaired"). Registered once per channel,
   * before its rooms are watched; a bus that cannot lose deliveries never calls it.
   */
  abstract recoverWith<Events extends EventMap>(channel: Channel<Events>, read: MissedMessages<Events>): void;
}

/** The single-instance bus: every subscriber is local, so every delivery is synchronous. */
export class LocalDeliveryBus extends DeliveryBus {
  readonly sharedWithOtherInstances: boolean = false;
  private readonly channels = new Map<string, LocalHandlers>();

  publish<Events extends EventMap, Event extends keyof Events & string>(
    channel: Channel<Events>,
    delivery: Publication<Events, Event>,
  ): void {
    this.channels.get(channel.name)?.deliver(delivery);
  }

  subscribe<Events extends EventMap>(channel: Channel<Events>, handler: DeliveryHandler<Events>): Subscription {
    return this.handlersOf(channel.name).subscribe(untyped(handler));
  }

  /** Nothing is ever missed here: every delivery is synchronous. */
  recoverWith(): void {}

  protected handlersOf(channel: string): LocalHandlers {
    let handlers = this.channels.get(channel);
    if (!handlers) this.channels.set(channel, (handlers = this.newHandlers()));
    return handlers;
  }

  /** One process's deliveries never cross, so they need no presence ordering. */
  protected newHandlers(): LocalHandlers {
    return new LocalHandlers();
  }
}

/**
 * A channel's handler as the bus stores it, beside other channels' handlers. Sound because the bus hands each
 * handler only deliveries published on its own channel, which `publish` type-checked against the same map.
 */
export function untyped<Events extends EventMap>(handler: DeliveryHandler<Events>): DeliveryHandler {
  return handler as DeliveryHandler;
}
