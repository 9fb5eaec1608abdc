import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Redis } from 'ioredis';
import { Clock } from '../../common/clock.js';
import { describeFault } from '../../common/refusal.js';
import { clusterSettings } from '../../config/areas/cluster.settings.js';
import { connectionSettings } from '../../config/areas/connections.settings.js';
import {
  type Channel,
  type Delivery,
  DeliveryBus,
  type DeliveryHandler,
  type EventMap,
  type MissedMessages,
  type Publication,
  type Subscription,
  untyped,
} from './delivery-bus.js';
import { InstanceIdentity } from './instance-identity.js';
import { LocalHandlers } from './local-handlers.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { RoomRecovery } from './room-recovery.js';
import { PresenceOrder } from '../presence/presence-order.js';

/** One channel's handlers here, and its gap repair when the channel registered one (`recoverWith`). */
interface ChannelHere {
  handlers: LocalHandlers;
  recovery: RoomRecovery | null;
}

/** What goes through a room's Redis channel: a delivery, or the ids of messages whose delivery the sender lost. */
type Wire = {
  /** The publishing instance: its own echo is dropped. */
  from: string;
} & ({ delivery: Delivery } | { room: string; unsent: number[] });

/**
 * The DeliveryBus across instances, shaped like socket.io's Redis adapter: a publication is delivered to this
 * instance's handlers at once, then published on a Redis channel per room with this instance's id; deliveries
 * from Redis are handed to local handlers unless this instance sent them. An instance subscribes to a room's
 * channel only while one of its handlers watches the room, and resubscribes them all after every reconnect.
 * While Redis is unreachable, local delivery goes on and cross-instance deliveries are lost; once the subscriber
 * connection is back and resubscribed, each channel's RoomRecovery reads from the database what its rooms missed
 * (the contract's "Gaps repaired").
 */
@Injectable()
export class RedisDeliveryBus extends DeliveryBus implements OnModuleDestroy {
  readonly sharedWithOtherInstances = true;
  private readonly logger = new Logger('RedisDeliveryBus');
  private readonly channels = new Map<string, ChannelHere>();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  /** Ids of messages this instance could not publish, by Redis channel: announced when the publisher is back. */
  private readonly unsent = new Map<string, { room: string; ids: number[] }>();

  constructor(
    private readonly redis: RedisConnections,
    private readonly instance: InstanceIdentity,
    @Inject(clusterSettings.KEY) private readonly cluster: ConfigType<typeof clusterSettings>,
    @Inject(connectionSettings.KEY) private readonly connections: ConfigType<typeof connectionSettings>,
    private readonly clock: Clock,
  ) {
    super();
    this.publisher = redis.get('publisher');
    this.subscriber = redis.get('subscriber');
    this.subscriber.on('message', (redisChannel: string, message: string) => this.receive(redisChannel, message));
    this.subscriber.on('ready', () => void this.resubscribe());
    // Closed: whatever is published until the resubscription is done does not reach this instance.
    this.subscriber.on('close', () => this.recoveries().forEach((recovery) => recovery.lost()));
    this.publisher.on('ready', () => this.announceUnsent());
  }

  publish<Events extends EventMap, Event extends keyof Events & string>(
    { name }: Channel<Events>,
    delivery: Publication<Events, Event>,
  ): void {
    const here = this.channels.get(name);
    if (here) deliver(here, delivery);
    const wire: Wire = { from: this.instance.id, delivery };
    const redisChannel = this.redisChannel(name, delivery.room);
    const sent = this.publisher.publish(redisChannel, JSON.stringify(wire));
    const { messageId } = delivery;
    // A stored message the others did not hear of: they are told its id once the publisher is back.
    if (messageId !== undefined && this.cluster.busRepairMaxMessages > 0)
      sent.catch(() => this.remember(redisChannel, delivery.room, messageId));
    else sent.catch(() => undefined);
  }

  subscribe<Events extends EventMap>({ name }: Channel<Events>, handler: DeliveryHandler<Events>): Subscription {
    const here = this.channelHere(name);
    return here.handlers.subscribe(
      untyped(handler),
      (room) => {
        here.recovery?.watched(room);
        return this.subscribeRedis(this.redisChannel(name, room));
      },
      (room) => {
        here.recovery?.unwatched(room);
        void this.subscriber.unsubscribe(this.redisChannel(name, room)).catch(() => undefined);
      },
      (room, messageId) => here.recovery?.caughtUp(room, messageId),
    );
  }

  recoverWith<Events extends EventMap>({ name }: Channel<Events>, read: MissedMessages<Events>): void {
    if (this.cluster.busRepairMaxMessages === 0) return;
    const here = this.channelHere(name);
    // Sound as `untyped` is: this channel's rooms carry only its own events.
    here.recovery = new RoomRecovery(
      name,
      here.handlers,
      read as MissedMessages,
      this.cluster.busRepairMaxMessages,
      this.clock,
      this.connections.lateDeliveryWindowMs,
    );
    // Registered after the first connect (the usual case, rooms not watched yet): the link is up already.
    if (this.subscriber.status === 'ready') here.recovery.restored();
  }

  onModuleDestroy(): void {
    this.subscriber.removeAllListeners('message');
  }

  private remember(redisChannel: string, room: string, messageId: number): void {
    let unsent = this.unsent.get(redisChannel);
    if (!unsent) this.unsent.set(redisChannel, (unsent = { room, ids: [] }));
    unsent.ids.push(messageId);
    // The others read at most this many per room: older ids would not be found anyway.
    if (unsent.ids.length > this.cluster.busRepairMaxMessages) unsent.ids.shift();
  }

  private announceUnsent(): void {
    for (const [redisChannel, { room, ids }] of this.unsent) {
      this.unsent.delete(redisChannel);
      const wire: Wire = { from: this.instance.id, room, unsent: ids };
      this.publisher.publish(redisChannel, JSON.stringify(wire)).catch(() => {
        for (const id of ids) this.remember(redisChannel, room, id);
      });
    }
  }

  private channelHere(channel: string): ChannelHere {
    let here = this.channels.get(channel);
    if (!here) {
      const presence = { order: new PresenceOrder(this.connections.lateDeliveryWindowMs), clock: this.clock };
      this.channels.set(channel, (here = { handlers: new LocalHandlers(presence), recovery: null }));
    }
    return here;
  }

  private recoveries(): RoomRecovery[] {
    return [...this.channels.values()].flatMap(({ recovery }) => (recovery ? [recovery] : []));
  }

  /** Resolves once Redis confirmed the subscription, or at once while Redis is down (resubscribed on return). */
  private async subscribeRedis(redisChannel: string): Promise<void> {
    await this.redis.started;
    if (this.subscriber.status !== 'ready') return;
    await this.subscriber.subscribe(redisChannel).catch(() => undefined);
  }

  /** After every (re)connect: subscribes every watched room again, then repairs what the rooms missed meanwhile. */
  private async resubscribe(): Promise<void> {
    const channels = [...this.channels].flatMap(([channel, { handlers }]) =>
      handlers.watchedRooms().map((room) => this.redisChannel(channel, room)),
    );
    for (let i = 0; i < channels.length; i += 1000) {
      try {
        await this.subscriber.subscribe(...channels.slice(i, i + 1000));
      } catch (error) {
        // The connection went again: its next 'ready' starts over.
        return this.logger.warn(`resubscribing after a reconnect failed: ${describeFault(error)}`);
      }
    }
    this.recoveries().forEach((recovery) => recovery.restored());
  }

  private receive(redisChannel: string, message: string): void {
    let wire: Wire;
    try {
      wire = JSON.parse(message) as Wire;
    } catch {
      return;
    }
    if (wire.from === this.instance.id) return;
    const channel = this.channelOf(redisChannel);
    const here = channel === null ? undefined : this.channels.get(channel);
    if (!here) return;
    if ('delivery' in wire) deliver(here, wire.delivery);
    else here.recovery?.unsentElsewhere(wire.room, wire.unsent);
  }

  private redisChannel(channel: string, room: string): string {
    return `${this.redis.prefix}bus:${channel}:${room}`;
  }

  private channelOf(redisChannel: string): string | null {
    const rest = redisChannel.slice(`${this.redis.prefix}bus:`.length);
    const colon = rest.indexOf(':');
    return colon < 0 ? null : rest.slice(0, colon);
  }
}

function deliver(here: ChannelHere, delivery: Delivery): void {
  if (here.recovery) here.recovery.deliver(delivery);
  else here.handlers.deliver(delivery);
}
