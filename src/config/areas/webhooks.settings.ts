import { settingsArea } from '../settings-area.js';
import type { SettingsReader } from '../settings-reader.js';

/** Webhooks (docs/webhooks.md): every attempt and the retries of an event are bounded. */
export interface WebhookSettings {
  /** One attempt: resolving, connecting, sending and the answer's status line. */
  readonly timeoutMs: number;
  /** The first retry's delay; each later one doubles, up to the maximum, with jitter. */
  readonly retryBaseMs: number;
  readonly retryMaxDelayMs: number;
  /** How long after its event a delivery is retried before it is marked failed. */
  readonly retryForMs: number;
  /** How often each instance looks for events to fan out and deliveries that are due. */
  readonly pollIntervalMs: number;
  /** Attempts one instance has in flight at once. */
  readonly concurrency: number;
  /** Lets endpoints resolve to loopback, private and link-local addresses (refused by default). */
  readonly allowPrivate: boolean;
  /** How long finished deliveries (and then their events) are kept before they are deleted; 0 keeps them forever. */
  readonly retentionMs: number;
}

export function readWebhookSettings(read: SettingsReader): WebhookSettings {
  return {
    timeoutMs: read.integer('WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    retryBaseMs: read.integer('WEBHOOK_RETRY_BASE_MS', 10_000, 10, 3_600_000),
    retryMaxDelayMs: read.integer('WEBHOOK_RETRY_MAX_DELAY_MS', 3_600_000, 10, 86_400_000),
    retryForMs: read.integer('WEBHOOK_RETRY_FOR_MS', 86_400_000, 0, 7 * 86_400_000),
    pollIntervalMs: read.integer('WEBHOOK_POLL_INTERVAL_MS', 1000, 10, 60_000),
    concurrency: read.integer('WEBHOOK_CONCURRENCY', 10, 1, 1000),
    allowPrivate: read.boolean('WEBHOOK_ALLOW_PRIVATE', false),
    retentionMs: read.integer('WEBHOOK_RETENTION_MS', 7 * 86_400_000, 0, 365 * 86_400_000),
  };
}

export const webhookSettings = settingsArea<WebhookSettings>('webhooks');
