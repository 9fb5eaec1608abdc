import { settingsArea } from '../settings-area.js';
import type { SettingsReader } from '../settings-reader.js';

/** What the connection core (src/realtime/connection/) and every transport allow one connection. */
export interface ConnectionSettings {
  /** How long a connection may stay without a successful auth before it is closed. */
  readonly authDeadlineMs: number;
  /** Requests one connection may have waiting; more close the connection. */
  readonly queueMax: number;
  /**
   * How long a connection remembers the message ids of the history it was sent, to drop late duplicates; how long
   * an instance drops late live copies of what a bus repair delivered; and how long it remembers each user's newest
   * presence change, to drop an older one arriving late (PresenceOrder).
   */
  readonly lateDeliveryWindowMs: number;
  /** Bytes one connection may have queued for sending; past it the connection is dropped (a reader that stopped). */
  readonly outgoingBufferMaxBytes: number;
}

export function readConnectionSettings(read: SettingsReader): ConnectionSettings {
  return {
    authDeadlineMs: read.integer('AUTH_DEADLINE_MS', 10_000, 100, 3_600_000),
    queueMax: read.integer('CONNECTION_QUEUE_MAX', 100, 1, 100_000),
    lateDeliveryWindowMs: read.integer('LATE_DELIVERY_WINDOW_MS', 10_000, 0, 600_000),
    outgoingBufferMaxBytes: read.integer('OUTGOING_BUFFER_MAX_BYTES', 1024 * 1024, 16 * 1024, 1024 * 1024 * 1024),
  };
}

export const connectionSettings = settingsArea<ConnectionSettings>('connections');
