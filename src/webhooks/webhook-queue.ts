import type BetterSqlite3 from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import type { DeliveryState } from './webhook.entities.js';
import { immediateWrites, sqliteConnection } from '../database/sqlite-writes.js';
import {
  outboxRow,
  outboxValues,
  postgresOutboxInsert,
  SQLITE_OUTBOX_INSERT,
  type WebhookEvent,
} from './webhook-events.js';

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

/** What an attempt came to, to store on its delivery. */
export interface AttemptRecord {
  id: number;
  state: DeliveryState;
  /** When it is due again (or when it failed for good); null leaves the column as it is. */
  nextAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  /** Attempts made, for the log of a failed delivery. */
  attempts?: number;
}

/** The outbox's queue operations, written once per dialect. */
export interface WebhookQueue {
  /** Turns up to `limit` recorded events into deliveries, one per endpoint that wants each. Returns how many events. */
  fanOut(limit: number, now: number): Promise<number>;
  /**
   * Stores `settled` (as `record` does), then claims up to `limit` due deliveries: each one's next attempt moves to
   * `leaseUntil`, so no other instance (and no later round) takes it while this attempt runs, and a crashed attempt is
   * due again once the lease ends. On SQLite both are one transaction (so attempts ending one after another cost one
   * write, not two); on PostgreSQL two statements, the outcomes first.
   */
  claim(limit: number, now: number, leaseUntil: number, settled: AttemptRecord[]): Promise<ClaimedDelivery[]>;
  /**
   * Takes up to `limit` due follow-up timers: each whose message still waits, and is the first of its waiting streak,
   * becomes a `seller.message.unanswered` event in the same transaction. Returns how many timers were taken.
   */
  fireTimers(limit: number, now: number): Promise<number>;
  /** Stores attempts' outcomes, all in one transaction. */
  record(records: AttemptRecord[]): Promise<void>;
}

interface ClaimArgs {
  limit: number;
  now: number;
  leaseUntil: number;
  settled: AttemptRecord[];
}

/** A client's message that still waits for its seller, as the follow-up query finds it. */
interface WaitingMessage {
  chatId: number;
  sellerId: number;
  clientId: number;
  clientName: string;
  id: number;
  text: string;
  createdAt: number | string;
}

/**
 * The timer's message `m` of chat `c` still waits, and starts its waiting streak: written by the client, after the
 * seller's read mark, answered by no later seller message, and no earlier client message waits with it (one event
 * per streak: the streak's first message's timer is due first, the later ones' find it).
 */
const STILL_WAITING = `m."author_id" = c."client_id" AND m."id" > c."seller_read_id"
  AND NOT EXISTS (SELECT 1 FROM "messages" s WHERE s."chat_id" = c."id" AND s."author_id" = c."seller_id" AND s."id" > m."id")
  AND NOT EXISTS (SELECT 1 FROM "messages" e WHERE e."chat_id" = c."id" AND e."author_id" = c."client_id"
    AND e."id" < m."id" AND e."id" > c."seller_read_id"
    AND e."id" > COALESCE((SELECT MAX(s."id") FROM "messages" s WHERE s."chat_id" = c."id" AND s."author_id" = c."seller_id"), 0))`;

const WAITING_COLUMNS = `c."id" AS "chatId", c."seller_id" AS "sellerId", c."client_id" AS "clientId",
  m."author_name" AS "clientName", m."id", m."text", m."created_at" AS "createdAt"`;

/** `seller.message.unanswered`: the first message of a streak the seller has neither answered nor read. */
function unanswered(row: WaitingMessage): WebhookEvent {
  const { chatId, sellerId, clientId, clientName, id, text } = row;
  const createdAt = Number(row.createdAt);
  return {
    type: 'seller.message.unanswered',
    appId: null,
    sellerId,
    data: {
      sellerId,
      chatId,
      client: { id: clientId, name: clientName },
      message: { id, text, date: Math.floor(createdAt / 1000), chatId },
      waitingSince: new Date(createdAt).toISOString(),
    },
  };
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
  // SQLite plans a statement again when a value its plan depends on is bound anew, and a LIMIT's is one: with the
  // limit bound, that planning cost more than the rest of the query. So the limit (the free attempt slots, 1 to
  // WEBHOOK_CONCURRENCY) is written into the SQL, one statement per limit, each prepared when first needed.
  const dueByLimit = new Map<number, BetterSqlite3.Statement<[number], ClaimedDelivery>>();
  const due = (limit: number) => {
    let statement = dueByLimit.get(limit);
    if (!statement) {
      statement = db.prepare<[number], ClaimedDelivery>(
        `SELECT d."id", d."attempts" + 1 AS "attempts", e."url", e."secret", ev."uid", ev."payload",
           ev."created_at" AS "createdAt"
         FROM "webhook_deliveries" d JOIN "webhook_endpoints" e ON e."id" = d."endpoint_id"
           JOIN "webhook_events" ev ON ev."id" = d."event_id"
         WHERE d."state" = 'pending' AND d."next_attempt_at" <= ? ORDER BY d."next_attempt_at", d."id"
         LIMIT ${Math.trunc(limit)}`,
      );
      dueByLimit.set(limit, statement);
    }
    return statement;
  };
  const lease = db.prepare(
    `UPDATE "webhook_deliveries" SET "next_attempt_at" = ?, "attempts" = "attempts" + 1 WHERE "id" = ?`,
  );
  const store = db.prepare(
    `UPDATE "webhook_deliveries" SET "state" = ?, "next_attempt_at" = COALESCE(?, "next_attempt_at"),
       "last_status" = ?, "last_error" = ? WHERE "id" = ?`,
  );
  const storeAll = (records: AttemptRecord[]) => {
    for (const r of records) store.run(r.state, r.nextAttemptAt, r.lastStatus, r.lastError, r.id);
  };
  const fanOut = immediateWrites(
    db,
    ({ limit, now }: { limit: number; now: number }) => {
      fan.run({ limit, now });
      return mark.run({ limit }).changes;
    },
    writeTimeoutMs,
  );
  // Its rows are returned as read: created_at is an integer column, which better-sqlite3 reads as a number.
  const claim = immediateWrites(
    db,
    ({ limit, now, leaseUntil, settled }: ClaimArgs) => {
      storeAll(settled);
      const rows = due(limit).all(now);
      for (const row of rows) lease.run(leaseUntil, row.id);
      return rows;
    },
    writeTimeoutMs,
  );
  const dueTimers = db.prepare<[number, number], { id: number; messageId: number }>(
    `SELECT "id", "message_id" AS "messageId" FROM "webhook_timers" WHERE "due_at" <= ? ORDER BY "due_at" LIMIT ?`,
  );
  const dropTimer = db.prepare(`DELETE FROM "webhook_timers" WHERE "id" = ?`);
  const waiting = db.prepare<[number], WaitingMessage>(
    `SELECT ${WAITING_COLUMNS} FROM "messages" m JOIN "chats" c ON c."id" = m."chat_id" WHERE m."id" = ? AND ${STILL_WAITING}`,
  );
  const insertEvent = db.prepare(SQLITE_OUTBOX_INSERT);
  const fireTimers = immediateWrites(
    db,
    ({ limit, now }: { limit: number; now: number }) => {
      const timers = dueTimers.all(now, limit);
      for (const timer of timers) {
        dropTimer.run(timer.id);
        const message = waiting.get(timer.messageId);
        if (message) insertEvent.run(...outboxValues(outboxRow(unanswered(message), now)));
      }
      return timers.length;
    },
    writeTimeoutMs,
  );
  const record = immediateWrites(db, storeAll, writeTimeoutMs);
  return {
    fanOut: (limit, now) => fanOut({ limit, now }),
    claim: (limit, now, leaseUntil, settled) => claim({ limit, now, leaseUntil, settled }),
    fireTimers: (limit, now) => fireTimers({ limit, now }),
    record: async (records) => {
      if (records.length > 0) await record(records);
    },
  };
}

/**
 * PostgreSQL, shared by several instances: each operation is one statement whose rows are taken with
 * `FOR UPDATE SKIP LOCKED`, so two instances never fan out the same event or claim the same delivery, and neither
 * waits for the other.
 */
function postgresQueue(dataSource: DataSource): WebhookQueue {
  const record = async (records: AttemptRecord[]): Promise<void> => {
    if (records.length === 0) return;
    const tuple = (r: number) =>
      `($${5 * r + 1}::integer, $${5 * r + 2}::varchar, $${5 * r + 3}::bigint, $${5 * r + 4}::integer, $${5 * r + 5}::varchar)`;
    await dataSource.query(
      `UPDATE "webhook_deliveries" d SET "state" = v.state, "next_attempt_at" = COALESCE(v.next, d."next_attempt_at"),
           "last_status" = v.status, "last_error" = v.error
         FROM (VALUES ${records.map((_, r) => tuple(r)).join(', ')}) AS v (id, state, next, status, error)
         WHERE d."id" = v.id`,
      records.flatMap((r) => [r.id, r.state, r.nextAttemptAt, r.lastStatus, r.lastError]),
    );
  };
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
    claim: async (limit, now, leaseUntil, settled) => {
      await record(settled);
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
    fireTimers: (limit, now) =>
      dataSource.transaction(async (tx) => {
        const timers = updatedRows<{ messageId: number }>(
          await tx.query(
            `DELETE FROM "webhook_timers" WHERE "id" IN (
               SELECT "id" FROM "webhook_timers" WHERE "due_at" <= $1::bigint ORDER BY "due_at" LIMIT $2
               FOR UPDATE SKIP LOCKED
             ) RETURNING "message_id" AS "messageId"`,
            [now, limit],
          ),
        );
        if (timers.length === 0) return 0;
        const messages = (await tx.query(
          `SELECT ${WAITING_COLUMNS} FROM "messages" m JOIN "chats" c ON c."id" = m."chat_id"
           WHERE m."id" = ANY($1::integer[]) AND ${STILL_WAITING} ORDER BY m."id"`,
          [timers.map((timer) => timer.messageId)],
        )) as WaitingMessage[];
        const insert = postgresOutboxInsert(messages.map((message) => outboxRow(unanswered(message), now)));
        if (insert) await tx.query(insert.sql, insert.values);
        return timers.length;
      }),
    record,
  };
}

/** TypeORM answers an UPDATE … RETURNING on PostgreSQL with `[rows, rowCount]`. */
function updatedRows<T>(result: unknown): T[] {
  return (result as [T[], number])[0];
}
