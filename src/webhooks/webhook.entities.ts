import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { bigintNumber } from '../database/epoch-ms.js';

/** Where the site wants events: a URL, its signing secret, and which events (null: all) of which app or seller. */
@Entity('webhook_endpoints')
export class WebhookEndpointEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  /** `whsec_` and base64: the Standard Webhooks key. Shown once, at creation; never logged. */
  @Column({ type: 'varchar', length: 64 })
  secret: string;

  /** The event types it receives, as a JSON array; null for every type. */
  @Column({ type: 'text', nullable: true })
  events: string | null;

  /** Only events of this app's lobby (null: any). */
  @Column({ name: 'app_id', type: 'integer', nullable: true })
  appId: number | null;

  /** Only events of this seller's chats (null: any). */
  @Column({ name: 'seller_id', type: 'integer', nullable: true })
  sellerId: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt: number;
}

/**
 * The outbox: one row per event, written in the transaction of the change it reports, with the body every attempt
 * sends. The dispatcher fans it out into deliveries (one per endpoint that wants it) and marks it `fanned_out`.
 */
@Entity('webhook_events')
@Index('idx_webhook_events_fan_out', ['fannedOut', 'id'])
export class WebhookEventEntity {
  @PrimaryGeneratedColumn()
  id: number;

  /** The `webhook-id` of every attempt of every delivery of this event. */
  @Column({ type: 'varchar', length: 40 })
  uid: string;

  @Column({ type: 'varchar', length: 40 })
  type: string;

  @Column({ name: 'app_id', type: 'integer', nullable: true })
  appId: number | null;

  @Column({ name: 'seller_id', type: 'integer', nullable: true })
  sellerId: number | null;

  /** The JSON body `{type, timestamp, data}`, byte for byte as signed and sent. */
  @Column({ type: 'text' })
  payload: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt: number;

  @Column({ name: 'fanned_out', type: 'boolean', default: false })
  fannedOut: boolean;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

/** One event for one endpoint, and how its attempts went. */
@Entity('webhook_deliveries')
@Index('idx_webhook_deliveries_due', ['state', 'nextAttemptAt'])
@Index('idx_webhook_deliveries_endpoint', ['endpointId', 'id'])
@Index('idx_webhook_deliveries_event', ['eventId'])
export class WebhookDeliveryEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'endpoint_id', type: 'integer' })
  endpointId: number;

  @ManyToOne(() => WebhookEndpointEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'endpoint_id', foreignKeyConstraintName: 'FK_webhook_deliveries_endpoint' })
  endpoint?: Relation<WebhookEndpointEntity>;

  @Column({ name: 'event_id', type: 'integer' })
  eventId: number;

  @ManyToOne(() => WebhookEventEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_id', foreignKeyConstraintName: 'FK_webhook_deliveries_event' })
  event?: Relation<WebhookEventEntity>;

  @Column({ type: 'varchar', length: 16 })
  state: DeliveryState;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** When the next attempt is due; while an attempt runs, the end of its lease (a crashed attempt is retried then). */
  @Column({ name: 'next_attempt_at', type: 'bigint', transformer: bigintNumber })
  nextAttemptAt: number;

  /** The HTTP status of the last attempt; null when it got none (refused, timed out, unreachable). */
  @Column({ name: 'last_status', type: 'integer', nullable: true })
  lastStatus: number | null;

  /** Why the last attempt failed, in a few words (never the secret or the answer's body). */
  @Column({ name: 'last_error', type: 'varchar', length: 200, nullable: true })
  lastError: string | null;
}

/**
 * A client's message to check on once it has waited UNANSWERED_AFTER_MS: written with the message (only while some
 * endpoint wants `seller.message.unanswered`); when due it becomes that event if the message still waits and
 * starts its waiting streak, and is deleted either way.
 */
@Entity('webhook_timers')
@Index('idx_webhook_timers_due', ['dueAt'])
export class WebhookTimerEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'message_id', type: 'integer' })
  messageId: number;

  @Column({ name: 'due_at', type: 'bigint', transformer: bigintNumber })
  dueAt: number;
}

export const WEBHOOK_ENTITIES = [WebhookEndpointEntity, WebhookEventEntity, WebhookDeliveryEntity, WebhookTimerEntity];
