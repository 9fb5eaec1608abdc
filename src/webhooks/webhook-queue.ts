import type { DataSource } from 'typeorm';
import { immediateWrites, sqliteConnection } from '../database/sqlite-writes.js';

/** A delivery claimed for one attempt, with what the attempt sends. */
export interface ClaimedDelivery {
  id: number;
  /** Attempts made so far, this one included. */
  attempts: number;
  url: string;
  secret: string;
  uid: string;
  payload: string;
  createdAt: number;
}

/** The outbox's queue operations, written once per dialect. */
export interface WebhookQueue {
  /** Turns up to `limit` recorded events into deliveries, one per endpoint that wants each. Returns how many events. */
  fanOut(limit: number, now: number): Promise<number>;
  /**
   * Claims up to `limit` due deliveries: each one's next attempt moves to `leaseUntil`, so no other instance (and no
   * later round) takes it while this attempt runs, and a crashed attempt is due again once the lease ends.
   */
  claim(limit: number, now: number, leaseUntil: number): Promise<ClaimedDelivery[]>;
}

/** An endpoint wants an event: its type, its scope, and not from before the endpoint existed. */
const MATCH = `(e."app_id" IS NULL OR e."app_id" = ev."app_id")
  AND (e."seller_id" IS NULL OR e."seller_id" = ev."seller_id")
  AND (e."events" IS NULL OR e."events" LIKE '%"' || ev."type" || '"%')
  AND e."created_at" <= ev."created_at"`;

export function webhookQueue(dataSource: DataSource, writeTimeoutMs: number): WebhookQueue {
  return dataSource.options.type === 'better-sqlite3'
    ? sqliteQueue(dataSource, writeTimeoutMs)
    : postgresQueue(dataSource);
}

/** SQLite serves one instance: each operation is one synchronous write transaction, so nothing interleaves. */
function sqliteQueue(dataSource: DataSource, writeTimeoutMs: number): WebhookQueue {
  const db = sqliteConnection(dataSource);
  const batch = `SELECT "id" FROM "webhook_events" WHERE "fanned_out" = 0 ORDER BY "id" LIMIT @limit`;
  const fan = db.prepare(
    `INSERT INTO "webhook_deliveries" ("endpoint_id", "event_id", "state", "attempts", "next_attempt_at")
     SELECT e."id", ev."id", 'pending', 0, @now FROM "webhook_events" ev JOIN "webhook_endpoints" e ON ${MATCH}
     WHERE ev."id" IN (${batch}) ORDER BY ev."id", e."id"`,
  );
  const mark = db.prepare(`UPDATE "webhook_events" SET "fanned_out" = 1 WHERE "id" IN (${batch})`);
  const due = db.prepare<{ limit: number; now: number }, Omit<ClaimedDelivery, 'attempts'> & { attempts: number }>(
    `SELECT d."id", d."attempts" + 1 AS "attempts", e."url", e."secret", ev."uid", ev."payload",
       ev."created_at" AS "createdAt"
     FROM "webhook_deliveries" d JOIN "webhook_endpoints" e ON e."id" = d."endpoint_id"
       JOIN "webhook_events" ev ON ev."id" = d."event_id"
     WHERE d."state" = 'pending' AND d."next_attempt_at" <= @now ORDER BY d."next_attempt_at", d."id" LIMIT @limit`,
  );
  const lease = db.prepare(
    `UPDATE "webhook_deliveries" SET "next_attempt_at" = ?, "attempts" = "attempts" + 1 WHERE "id" = ?`,
  );
  const fanOut = immediateWrites(
    db,
    ({ limit, now }: { limit: number; now: number }) => {
      fan.run({ limit, now });
      return mark.run({ limit }).changes;
    },
    writeTimeoutMs,
  );
  const claim = immediateWrites(
    db,
    ({ limit, now, leaseUntil }: { limit: number; now: number; leaseUntil: number }) => {
      const rows = due.all({ limit, now });
      for (const row of rows) lease.run(leaseUntil, row.id);
      return rows.map((row) => ({ ...row, createdAt: Number(row.createdAt) }));
    },
    writeTimeoutMs,
  );
  return {
    fanOut: (limit, now) => fanOut({ limit, now }),
    claim: (limit, now, leaseUntil) => claim({ limit, now, leaseUntil }),
  };
}

/**
 * PostgreSQL, shared by several instances: each operation is one statement whose rows are taken with
 * `FOR UPDATE SKIP LOCKED`, so two instances never fan out the same event or claim the same delivery, and neither
 * waits for the other.
 */
function postgresQueue(dataSource: DataSource): WebhookQueue {
  return {
    fanOut: async (limit, now) => {
      const rows = (await dataSource.query(
        `WITH "batch" AS (
           SELECT "id" FROM "webhook_events" WHERE "fanned_out" = false ORDER BY "id" LIMIT $1 FOR UPDATE SKIP LOCKED
         ), "fanned" AS (
           INSERT INTO "webhook_deliveries" ("endpoint_id", "event_id", "state", "attempts", "next_attempt_at")
           SELECT e."id", ev."id", 'pending', 0, $2::bigint FROM "webhook_events" ev
             JOIN "batch" b ON b."id" = ev."id" JOIN "webhook_endpoints" e ON ${MATCH}
         )
         UPDATE "webhook_events" SET "fanned_out" = true WHERE "id" IN (SELECT "id" FROM "batch") RETURNING "id"`,
        [limit, now],
      )) as unknown;
      return updatedRows(rows).length;
    },
    claim: async (limit, now, leaseUntil) => {
      const rows = (await dataSource.query(
        `UPDATE "webhook_deliveries" d SET "next_attempt_at" = $1::bigint, "attempts" = d."attempts" + 1
         FROM "webhook_endpoints" e, "webhook_events" ev
         WHERE d."id" IN (
           SELECT "id" FROM "webhook_deliveries" WHERE "state" = 'pending' AND "next_attempt_at" <= $2::bigint
           ORDER BY "next_attempt_at", "id" LIMIT $3 FOR UPDATE SKIP LOCKED
         ) AND e."id" = d."endpoint_id" AND ev."id" = d."event_id"
         RETURNING d."id", d."attempts", e."url", e."secret", ev."uid", ev."payload", ev."created_at" AS "createdAt"`,
        [leaseUntil, now, limit],
      )) as unknown;
      return updatedRows<Omit<ClaimedDelivery, 'createdAt'> & { createdAt: string }>(rows).map((row) => ({
        ...row,
        createdAt: Number(row.createdAt),
      }));
    },
  };
}

/** TypeORM answers an UPDATE … RETURNING on PostgreSQL with `[rows, rowCount]`. */
function updatedRows<T>(result: unknown): T[] {
  return (result as [T[], number])[0];
}
