import type { DataSource } from 'typeorm';
import { immediateWrites, sqliteConnection } from '../database/sqlite-writes.js';

/** What one window of the events' sweep saw and did. */
export interface EventWindow {
  /** The highest event id in the window (where the next window starts); 0 when it was empty. */
  last: number;
  /** Events deleted from it. */
  deleted: number;
  /** Nothing past this window can be old enough yet: it held an event younger than the cutoff, or the table ended. */
  done: boolean;
}

/**
 * Deleting what WEBHOOK_RETENTION_MS no longer keeps, a bounded batch per statement, written once per dialect.
 * A delivery goes once it is finished (`delivered` or `failed`) and finished before the cutoff; an event goes once it
 * is fanned out, happened before the cutoff and has no delivery left, so an event an endpoint has not finished (or
 * finished recently) stays with its deliveries. Nothing else ever adds a delivery to a fanned-out event.
 */
export interface WebhookPruning {
  /** Deletes up to `limit` deliveries finished at or before `cutoff`; returns how many. */
  deliveries(cutoff: number, limit: number): Promise<number>;
  /**
   * Looks at the `limit` events after id `after` and deletes those that may go. Events are taken in id order, not by
   * age (no index on their time, which every outbox write would pay for): ids follow time closely enough, and an
   * event held back by its deliveries is looked at again in a later sweep.
   */
  events(after: number, cutoff: number, limit: number): Promise<EventWindow>;
}

export function webhookPruning(dataSource: DataSource, writeTimeoutMs: number): WebhookPruning {
  return dataSource.options.type === 'better-sqlite3'
    ? sqlitePruning(dataSource, writeTimeoutMs)
    : postgresPruning(dataSource);
}

/** A delivery is finished once delivered or failed; its `next_attempt_at` is then when (a lease's end, or the give-up). */
const FINISHED = `"state" IN ('delivered', 'failed')`;
/** An event `ev` with no delivery left (idx_webhook_deliveries_event finds them). */
const NO_DELIVERY_LEFT = `NOT EXISTS (SELECT 1 FROM "webhook_deliveries" d WHERE d."event_id" = ev."id")`;

/** SQLite: each batch is one write transaction, short enough that message writes wait for it no longer than for a commit. */
function sqlitePruning(dataSource: DataSource, writeTimeoutMs: number): WebhookPruning {
  const db = sqliteConnection(dataSource);
  const dropDeliveries = db.prepare<[number, number]>(
    `DELETE FROM "webhook_deliveries" WHERE "id" IN (
       SELECT "id" FROM "webhook_deliveries" WHERE ${FINISHED} AND "next_attempt_at" <= ? LIMIT ?)`,
  );
  const window = db.prepare<[number, number], { id: number; createdAt: number }>(
    `SELECT "id", "created_at" AS "createdAt" FROM "webhook_events" WHERE "id" > ? ORDER BY "id" LIMIT ?`,
  );
  const dropEvents = db.prepare<{ after: number; last: number; cutoff: number }>(
    `DELETE FROM "webhook_events" AS ev WHERE ev."id" > @after AND ev."id" <= @last AND ev."fanned_out" = 1
       AND ev."created_at" <= @cutoff AND ${NO_DELIVERY_LEFT}`,
  );
  const deliveries = immediateWrites(
    db,
    ({ cutoff, limit }: { cutoff: number; limit: number }) => dropDeliveries.run(cutoff, limit).changes,
    writeTimeoutMs,
  );
  const events = immediateWrites(
    db,
    ({ after, cutoff, limit }: { after: number; cutoff: number; limit: number }): EventWindow => {
      const rows = window.all(after, limit);
      const last = rows.at(-1)?.id ?? 0;
      const deleted = rows.length > 0 ? dropEvents.run({ after, last, cutoff }).changes : 0;
      return { last, deleted, done: rows.length < limit || rows.some((row) => Number(row.createdAt) > cutoff) };
    },
    writeTimeoutMs,
  );
  return {
    deliveries: (cutoff, limit) => deliveries({ cutoff, limit }),
    events: (after, cutoff, limit) => events({ after, cutoff, limit }),
  };
}

/**
 * PostgreSQL, shared by several instances: rows are taken `FOR UPDATE SKIP LOCKED`, so two instances sweeping at once
 * delete different rows (a row one of them is deleting is left to it) and neither waits. Deleting a row another
 * instance deleted first deletes nothing. An event being fanned out is still unfanned in the sweep's snapshot, and
 * once it is seen fanned out its deliveries are committed (both are one statement), so it is never taken without them.
 */
function postgresPruning(dataSource: DataSource): WebhookPruning {
  return {
    deliveries: async (cutoff, limit) => {
      const result = (await dataSource.query(
        `DELETE FROM "webhook_deliveries" WHERE "id" IN (
           SELECT "id" FROM "webhook_deliveries" WHERE ${FINISHED} AND "next_attempt_at" <= $1::bigint
           LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [cutoff, limit],
      )) as [unknown[], number];
      return result[1];
    },
    events: async (after, cutoff, limit) => {
      const [row] = (await dataSource.query(
        `WITH "window" AS (
           SELECT "id", "created_at" FROM "webhook_events" WHERE "id" > $1 ORDER BY "id" LIMIT $2
         ), "gone" AS (
           DELETE FROM "webhook_events" WHERE "id" IN (
             SELECT ev."id" FROM "webhook_events" ev JOIN "window" w ON w."id" = ev."id"
             WHERE ev."fanned_out" = true AND ev."created_at" <= $3::bigint AND ${NO_DELIVERY_LEFT}
             FOR UPDATE OF ev SKIP LOCKED
           ) RETURNING 1
         )
         SELECT COALESCE(MAX("id"), 0) AS "last", COUNT(*) AS "scanned",
           COUNT(*) FILTER (WHERE "created_at" > $3::bigint) AS "young", (SELECT COUNT(*) FROM "gone") AS "deleted"
         FROM "window"`,
        [after, limit, cutoff],
      )) as { last: number | string; scanned: string; young: string; deleted: string }[];
      return {
        last: Number(row.last),
        deleted: Number(row.deleted),
        done: Number(row.scanned) < limit || Number(row.young) > 0,
      };
    },
  };
}
