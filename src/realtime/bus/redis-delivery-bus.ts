import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { describeFault } from '../../common/refusal.js';
import {
  type Channel,
  type Delivery,
  DeliveryBus,
  type DeliveryHandler,
  type EventMap,
  LocalHandlers,
  type Publication,
  type Subscription,
  untyped,
} from './delivery-bus.js';
import { InstanceIdentity } from './instance-identity.js';
import { RedisConnections } from '../redis/redis-connections.js';

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
 * While Redis is unreachable, local delivery goes on and cross-instance deliveries are dropped (the contract
 * promises at most once; connections re-read history on their next auth).
 */
@Injectable()
export class RedisDeliveryBus extends DeliveryBus implements OnModuleDestroy {
  readonly sharedWithOtherInstances = true;
  private readonly logger = new Logger('RedisDeliveryBus');
  private readonly channels = new Map<string, LocalHandlers>();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;

  constructor(
    private readonly redis: RedisConnections,
    private readonly instance: InstanceIdentity,
  ) {
    super();
    this.publisher = redis.get('publisher');
    this.subscriber = redis.get('subscriber');
    this.subscriber.on('message', (redisChannel: string, message: string) => this.receive(redisChannel, message));
    this.subscriber.on('ready', () => void this.resubscribe());
  }

  publish<Events extends EventMap, Event extends keyof Events & string>(
    { name }: Channel<Events>,
    delivery: Publication<Events, Event>,
  ): void {
    this.channels.get(name)?.deliver(delivery);
    const wire: WireDelivery = { from: this.instance.id, delivery };
    this.publisher.publish(this.redisChannel(name, delivery.room), JSON.stringify(wire)).catch(() => undefined);
  }

  subscribe<Events extends EventMap>({ name }: Channel<Events>, handler: DeliveryHandler<Events>): Subscription {
    return this.handlersOf(name).subscribe(
      untyped(handler),
      (room) => this.subscribeRedis(this.redisChannel(name, room)),
      (room) => void this.subscriber.unsubscribe(this.redisChannel(name, room)).catch(() => undefined),
    );
  }

  onModuleDestroy(): void {
    this.subscriber.removeAllListeners('message');
  }

  private handlersOf(channel: string): LocalHandlers {
    let handlers = this.channels.get(channel);
    if (!handlers) this.channels.set(channel, (handlers = new LocalHandlers()));
    return handlers;
  }

  /** Resolves once Redis confirmed the subscription, or at once while Redis is down (resubscribed on return). */
  private async subscribeRedis(redisChannel: string): Promise<void> {
    await this.redis.started;
    if (this.subscriber.status !== 'ready') return;
    await this.subscriber.subscribe(redisChannel).catch(() => undefined);
  }

  private async resubscribe(): Promise<void> {
    const channels = [...this.channels].flatMap(([channel, handlers]) =>
      handlers.watchedRooms().map((room) => this.redisChannel(channel, room)),
    );
    for (let i = 0; i < channels.length; i += 1000) {
      await this.subscriber.subscribe(...channels.slice(i, i + 1000)).catch((error) => {
        this.logger.warn(`resubscribing after a reconnect failed: ${describeFault(error)}`);
      });
    }
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
    if (channel !== null) this.channels.get(channel)?.deliver(wire.delivery);
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
