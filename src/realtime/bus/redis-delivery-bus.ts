import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { describeFault } from '../../common/refusal.js';
import { AppConfig } from '../../config/app-config.js';
import {
  type Channel,
  type Delivery,
  DeliveryBus,
  type DeliveryHandler,
  type EventMap,
  LocalHandlers,
  type MissedMessages,
  type Publication,
  type Subscription,
  untyped,
} from './delivery-bus.js';
import { InstanceIdentity } from './instance-identity.js';
import { RedisConnections } from '../redis/redis-connections.js';
import { RoomRecovery } from './room-recovery.js';

/** One channel's handlers here, and its gap repair when the channel registered one (`recoverWith`). */
interface ChannelHere {
  handlers: LocalHandlers;
  recovery: RoomRecovery | null;
}

interface WireDelivery {
  /** The publishing instance: its own echo is dropped. */
  from: string;
  delivery: Delivery;
}

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

  constructor(
    private readonly redis: RedisConnections,
    private readonly instance: InstanceIdentity,
    private readonly config: AppConfig,
  ) {
    super();
    this.publisher = redis.get('publisher');
    this.subscriber = redis.get('subscriber');
    this.subscriber.on('message', (redisChannel: string, message: string) => this.receive(redisChannel, message));
    this.subscriber.on('ready', () => void this.resubscribe());
    // Closed: whatever is published until the resubscription is done does not reach this instance.
    this.subscriber.on('close', () => this.recoveries().forEach((recovery) => recovery.lost()));
  }

  publish<Events extends EventMap, Event extends keyof Events & string>(
    { name }: Channel<Events>,
    delivery: Publication<Events, Event>,
  ): void {
    const here = this.channels.get(name);
    if (here) deliver(here, delivery);
    const wire: WireDelivery = { from: this.instance.id, delivery };
    this.publisher.publish(this.redisChannel(name, delivery.room), JSON.stringify(wire)).catch(() => undefined);
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
    if (this.config.busRepairMaxMessages === 0) return;
    const here = this.channelHere(name);
    // Sound as `untyped` is: this channel's rooms carry only its own events.
    here.recovery = new RoomRecovery(name, here.handlers, read as MissedMessages, this.config.busRepairMaxMessages);
    // Registered after the first connect (the usual case, rooms not watched yet): the link is up already.
    if (this.subscriber.status === 'ready') here.recovery.restored();
  }

  onModuleDestroy(): void {
    this.subscriber.removeAllListeners('message');
  }

  private channelHere(channel: string): ChannelHere {
    let here = this.channels.get(channel);
    if (!here) this.channels.set(channel, (here = { handlers: new LocalHandlers(), recovery: null }));
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
    let wire: WireDelivery;
    try {
      wire = JSON.parse(message) as WireDelivery;
    } catch {
      return;
    }
    if (wire.from === this.instance.id) return;
    const channel = this.channelOf(redisChannel);
    const here = channel === null ? undefined : this.channels.get(channel);
    if (here) deliver(here, wire.delivery);
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
