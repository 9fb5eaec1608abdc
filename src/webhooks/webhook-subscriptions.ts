import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { RateLimitedLog } from '../common/rate-limited-log.js';
import { describeFault } from '../common/refusal.js';
import { defineChannel, DeliveryBus, type Subscription } from '../realtime/bus/delivery-bus.js';
import { outboxRow, WEBHOOK_EVENT_TYPES, type WebhookEvent, type WebhookEventType } from './webhook-events.js';
import { WebhookEndpointEntity, WebhookEventEntity } from './webhook.entities.js';

/** Endpoints were added or removed: every instance reads which event types are wanted again. */
const CHANNEL = defineChannel<{ endpoints_changed: null }>('webhooks');
const ROOM = 'endpoints';

/**
 * Which event types some endpoint wants, kept in memory so that a change with no endpoint to hear of it writes no
 * outbox row and costs one Set lookup. Read at start, again on every instance as soon as an endpoint is created or
 * deleted (announced through the delivery bus), and on every dispatcher round (`refresh`), which bounds what an
 * announcement lost during a Redis outage can leave stale. Stale means only this: an endpoint created a moment ago
 * on another instance misses the events of that moment; the dispatcher decides from the database which endpoints
 * get an event that was recorded.
 */
@Injectable()
export class WebhookSubscriptions implements OnModuleInit, OnModuleDestroy {
  private wanted = new Set<WebhookEventType>();
  private subscription?: Subscription;
  private closed = false;
  private readonly faults = new RateLimitedLog(new Logger('Webhooks'));

  constructor(
    @InjectRepository(WebhookEndpointEntity) private readonly endpoints: Repository<WebhookEndpointEntity>,
    private readonly bus: DeliveryBus,
  ) {}

  async onModuleInit(): Promise<void> {
    this.subscription = this.bus.subscribe(CHANNEL, () => void this.refresh());
    await this.subscription.watch(ROOM);
    await this.refresh();
  }

  onModuleDestroy(): void {
    this.closed = true;
    this.subscription?.close();
  }

  /** Whether an event of this type would reach any endpoint (a superset: scopes are checked when it is fanned out). */
  wants(type: WebhookEventType): boolean {
    return this.wanted.has(type);
  }

  /** The event, if some endpoint wants its type; null otherwise (the caller then records nothing). */
  eventIfWanted(type: WebhookEventType, build: () => Omit<WebhookEvent, 'type'>): WebhookEvent | null {
    return this.wants(type) ? { type, ...build() } : null;
  }

  /** Records an event in the caller's transaction (for changes that are not messages: those ride the group commit). */
  async record(manager: EntityManager, event: WebhookEvent | null, createdAt: number): Promise<void> {
    if (event) await manager.insert(WebhookEventEntity, outboxRow(event, createdAt));
  }

  /** Tells every instance (this one included) that the endpoints changed. */
  changed(): void {
    this.bus.publish(CHANNEL, { room: ROOM, event: 'endpoints_changed', data: null });
    void this.refresh();
  }

  async refresh(): Promise<void> {
    if (this.closed) return;
    try {
      const rows = await this.endpoints.find({ select: { id: true, events: true } });
      const wanted = new Set<WebhookEventType>();
      for (const row of rows) for (const type of eventsOf(row.events)) wanted.add(type);
      this.wanted = wanted;
    } catch (error) {
      this.faults.error(`reading webhook endpoints failed: ${describeFault(error)}`);
    }
  }
}

/** An endpoint's event filter as stored (a JSON array, or null for all). */
export function eventsOf(stored: string | null): readonly WebhookEventType[] {
  return stored === null ? WEBHOOK_EVENT_TYPES : (JSON.parse(stored) as WebhookEventType[]);
}
