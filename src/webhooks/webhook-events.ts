import { randomUUID } from 'node:crypto';

/** Every event a webhook endpoint can receive (docs/webhooks.md describes each one's `data`). */
export const WEBHOOK_EVENT_TYPES = [
  'lobby.message.created',
  'lobby.message.deleted',
  'lobby.user.muted',
  'lobby.user.unmuted',
  'seller.chat.created',
  'seller.message.created',
  'seller.message.unanswered',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** An event, recorded in the transaction of the change it reports. `appId`/`sellerId` are what endpoints filter on. */
export interface WebhookEvent {
  type: WebhookEventType;
  appId: number | null;
  sellerId: number | null;
  data: object;
}

/** A `webhook_events` row as written: the body every attempt sends, and the `webhook-id` every attempt carries. */
export interface OutboxRow {
  uid: string;
  type: WebhookEventType;
  appId: number | null;
  sellerId: number | null;
  payload: string;
  createdAt: number;
}

const OUTBOX_COLUMNS = '"uid", "type", "app_id", "seller_id", "payload", "created_at"';
const OUTBOX_WIDTH = 6;

/** SQLite: writes one outbox row, its values bound in the order `outboxValues` gives them. */
export const SQLITE_OUTBOX_INSERT = `INSERT INTO "webhook_events" (${OUTBOX_COLUMNS}) VALUES (${Array.from(
  { length: OUTBOX_WIDTH },
  () => '?',
).join(', ')})`;

/** PostgreSQL: one statement writing all `rows`, with its values; null when there are none. */
export function postgresOutboxInsert(rows: OutboxRow[]): { sql: string; values: unknown[] } | null {
  if (rows.length === 0) return null;
  const tuple = (r: number) =>
    `(${Array.from({ length: OUTBOX_WIDTH }, (_, c) => `$${r * OUTBOX_WIDTH + c + 1}`).join(', ')})`;
  const sql = `INSERT INTO "webhook_events" (${OUTBOX_COLUMNS}) VALUES ${rows.map((_, r) => tuple(r)).join(', ')}`;
  return { sql, values: rows.flatMap(outboxValues) };
}

/** The row of an event that happened at `createdAt`; its body is the Standard Webhooks envelope `{type, timestamp, data}`. */
export function outboxRow(event: WebhookEvent, createdAt: number): OutboxRow {
  const { type, appId, sellerId, data } = event;
  const payload = JSON.stringify({ type, timestamp: new Date(createdAt).toISOString(), data });
  // randomUUID draws from an entropy cache Node refills in bulk: one per message, where randomBytes cost a job each.
  return { uid: `msg_${randomUUID().replaceAll('-', '')}`, type, appId, sellerId, payload, createdAt };
}

export function outboxValues(row: OutboxRow): unknown[] {
  return [row.uid, row.type, row.appId, row.sellerId, row.payload, row.createdAt];
}
