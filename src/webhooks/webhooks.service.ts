import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { InvalidInputError, NotFoundError } from '../common/refusal.js';
import { isRowId } from '../common/row-id.js';
import { webhookSettings } from '../config/areas/webhooks.settings.js';
import type { WebhookEventType } from './webhook-events.js';
import { refusedTarget } from './webhook-sender.js';
import { eventsOf, WebhookSubscriptions } from './webhook-subscriptions.js';
import { type DeliveryState, WebhookDeliveryEntity, WebhookEndpointEntity } from './webhook.entities.js';

export interface EndpointView {
  id: number;
  url: string;
  events: readonly WebhookEventType[];
  appId: number | null;
  sellerId: number | null;
}

export interface DeliveryView {
  id: number;
  /** The event's `webhook-id`. */
  eventId: string;
  type: string;
  state: DeliveryState;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  /** ISO time of the next attempt while pending; null once delivered or failed. */
  nextAttemptAt: string | null;
}

export interface NewEndpoint {
  url: string;
  events?: WebhookEventType[];
  appId?: number;
  sellerId?: number;
}

/** The site's webhook endpoints and what became of their deliveries. */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectRepository(WebhookEndpointEntity) private readonly endpoints: Repository<WebhookEndpointEntity>,
    @InjectRepository(WebhookDeliveryEntity) private readonly deliveries: Repository<WebhookDeliveryEntity>,
    private readonly subscriptions: WebhookSubscriptions,
    private readonly clock: Clock,
    @Inject(webhookSettings.KEY) private readonly settings: ConfigType<typeof webhookSettings>,
  ) {}

  /** Creates an endpoint; its secret is in this answer only. */
  async create(input: NewEndpoint): Promise<EndpointView & { secret: string }> {
    const refused = await refusedTarget(input.url, this.settings.allowPrivate);
    if (refused) throw new InvalidInputError(`url: ${refused}`);
    const endpoint = this.endpoints.create({
      url: input.url,
      secret: `whsec_${randomBytes(24).toString('base64')}`,
      events: input.events ? JSON.stringify([...new Set(input.events)]) : null,
      appId: input.appId ?? null,
      sellerId: input.sellerId ?? null,
      createdAt: this.clock.now(),
    });
    await this.endpoints.insert(endpoint);
    this.subscriptions.changed();
    return { ...toView(endpoint), secret: endpoint.secret };
  }

  async list(): Promise<EndpointView[]> {
    return (await this.endpoints.find({ order: { id: 'ASC' } })).map(toView);
  }

  async get(id: number): Promise<EndpointView> {
    return toView(await this.require(id));
  }

  /** Deletes an endpoint with its deliveries: nothing more is sent to it. */
  async remove(id: number): Promise<void> {
    await this.endpoints.delete({ id: (await this.require(id)).id });
    this.subscriptions.changed();
  }

  /** An endpoint's deliveries, oldest first, with ids above `after`. */
  async deliveriesOf(id: number, limit: number, after: number): Promise<DeliveryView[]> {
    await this.require(id);
    const rows = await this.deliveries
      .createQueryBuilder('d')
      .innerJoinAndSelect('d.event', 'ev')
      .where('d.endpoint_id = :id AND d.id > :after', { id, after })
      .orderBy('d.id', 'ASC')
      .take(limit)
      .getMany();
    return rows.map(toDeliveryView);
  }

  /** Makes a delivery due now, whatever its state: it is attempted in the next round (and retried if it fails). */
  async retry(id: number, deliveryId: number): Promise<DeliveryView> {
    const delivery = isRowId(deliveryId)
      ? await this.deliveries.findOne({ where: { id: deliveryId, endpointId: id }, relations: { event: true } })
      : null;
    if (!delivery) throw new NotFoundError(`no delivery ${deliveryId} of webhook ${id}`);
    const changes = { state: 'pending' as const, nextAttemptAt: this.clock.now() };
    // The retention sweep may have deleted it since it was read: then there is nothing to retry.
    const { affected } = await this.deliveries.update(delivery.id, changes);
    if (affected === 0) throw new NotFoundError(`no delivery ${deliveryId} of webhook ${id}`);
    return toDeliveryView({ ...delivery, ...changes });
  }

  private async require(id: number): Promise<WebhookEndpointEntity> {
    const endpoint = isRowId(id) ? await this.endpoints.findOneBy({ id }) : null;
    if (!endpoint) throw new NotFoundError(`no webhook ${id}`);
    return endpoint;
  }
}

function toView(endpoint: WebhookEndpointEntity): EndpointView {
  const { id, url, appId, sellerId } = endpoint;
  return { id, url, events: eventsOf(endpoint.events), appId, sellerId };
}

function toDeliveryView(delivery: WebhookDeliveryEntity): DeliveryView {
  const { id, state, attempts, lastStatus, lastError } = delivery;
  return {
    id,
    eventId: delivery.event?.uid ?? '',
    type: delivery.event?.type ?? '',
    state,
    attempts,
    lastStatus,
    lastError,
    nextAttemptAt: state === 'pending' ? new Date(delivery.nextAttemptAt).toISOString() : null,
  };
}
