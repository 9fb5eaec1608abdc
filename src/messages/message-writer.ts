import type BetterSqlite3 from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import { immediateWrites, sqliteConnection } from '../database/sqlite-writes.js';
import {
  type OutboxRow,
  outboxRow,
  outboxValues,
  postgresOutboxInsert,
  SQLITE_OUTBOX_INSERT,
  type WebhookEvent,
} from '../webhooks/webhook-events.js';

export interface MessageRow {
  chatId: number;
  authorId: number;
  authorName: string;
  authorRole: string | null;
  text: string;
  /** A seller-chat message's clientDate (JSON), to recognise a resend; null in lobbies. */
  clientDate: string | null;
  createdAt: number;
  /**
   * With a clientDate: the row is not written if its author stored the same text with the same clientDate in the
   * chat since this time; the first such row answers instead. Null: always written.
   */
  resendSince: number | null;
  /**
   * The webhook event the row raises once written, given its id: recorded in the same transaction (the outbox), so
   * an acknowledged message's event is never lost. Null (no endpoint wants it): nothing more is written.
   */
  event: ((id: number) => WebhookEvent) | null;
  /** When to check whether the written row is still unanswered (a webhook timer, same transaction); null: never. */
  followUpAt: number | null;
}

/** What became of a row: written now, or the original it resends (`resent`), with that row's id and time. */
export interface CommittedRow {
  id: number;
  createdAt: number;
  resent: boolean;
}

/** Commits rows in one transaction, all or none, in order; throws the driver's error otherwise. */
export type CommitRows = (rows: MessageRow[]) => Promise<CommittedRow[]>;

/** The columns a message row fills, in the order both writers bind them. */
const COLUMNS = ['chat_id', 'author_id', 'author_name', 'author_role', 'text', 'client_date', 'created_at'] as const;
const INSERT_COLUMNS = COLUMNS.map((column) => `"${column}"`).join(', ');

/** A row's values in COLUMNS order. */
function columnValues(row: MessageRow): unknown[] {
  return [row.chatId, row.authorId, row.authorName, row.authorRole, row.text, row.clientDate, row.createdAt];
}

/** Rows that may be resends: a clientDate and a window (lobby rows have neither, and cost no lookup). */
function mayResend(row: MessageRow): row is MessageRow & { clientDate: string; resendSince: number } {
  return row.clientDate !== null && row.resendSince !== null;
}

export function messageCommitter(dataSource: DataSource, writeTimeoutMs: number): CommitRows {
  return dataSource.options.type === 'better-sqlite3'
    ? sqliteCommitter(sqliteConnection(dataSource), writeTimeoutMs)
    : postgresCommitter(dataSource);
}

/**
 * SQLite: one prepared INSERT per row, all rows in one write transaction (`immediateWrites`). A resend is looked up
 * under that same write lock (idx_messages_resend), so the lookup and the write are one step for every connection
 * to the database: a resend that races its original still finds it.
 */
function sqliteCommitter(db: BetterSqlite3.Database, writeTimeoutMs: number): CommitRows {
  const insert = db.prepare(`INSERT INTO "messages" (${INSERT_COLUMNS}) VALUES (${COLUMNS.map(() => '?').join(', ')})`);
  const insertEvent = db.prepare(SQLITE_OUTBOX_INSERT);
  const insertTimer = db.prepare(`INSERT INTO "webhook_timers" ("message_id", "due_at") VALUES (?, ?)`);
  const original = db.prepare<unknown[], { id: number; createdAt: number }>(
    `SELECT "id", "created_at" AS "createdAt" FROM "messages" WHERE "chat_id" = ? AND "client_date" = ?
     AND "author_id" = ? AND "text" = ? AND "created_at" >= ? ORDER BY "id" LIMIT 1`,
  );
  return immediateWrites(
    db,
    (rows: MessageRow[]) =>
      rows.map((row): CommittedRow => {
        const found =
          mayResend(row) && original.get(row.chatId, row.clientDate, row.authorId, row.text, row.resendSince);
        if (found) return { id: found.id, createdAt: Number(found.createdAt), resent: true };
        // The columns one by one, as COLUMNS orders them: a values array and its spread per message cost more.
        const { chatId, authorId, authorName, authorRole, text, clientDate, createdAt } = row;
        const id = Number(
          insert.run(chatId, authorId, authorName, authorRole, text, clientDate, createdAt).lastInsertRowid,
        );
        if (row.event) insertEvent.run(...outboxValues(outboxRow(row.event(id), row.createdAt)));
        if (row.followUpAt !== null) insertTimer.run(id, row.followUpAt);
        return { id, createdAt: row.createdAt, resent: false };
      }),
    writeTimeoutMs,
  );
}

/**
 * PostgreSQL, in one transaction: one SELECT finds the originals of the batch's possible resends (idx_messages_resend),
 * then one multi-row INSERT … RETURNING writes the rest (the ids come back in VALUES order). A resend of a row of the
 * same batch answers with that row. The transaction matters even for the INSERT alone: a statement whose answer is
 * lost (a stalled network) must not commit on its own, and the connection pg-client.ts closes after a timeout takes
 * the transaction with it.
 */
function postgresCommitter(dataSource: DataSource): CommitRows {
  return (rows) =>
    dataSource.transaction(async (tx) => {
      const outcomes = await findOriginals(tx, rows);
      const firstOfKey = new Map<string, number>();
      const repeats = new Map<number, number>();
      const toWrite: number[] = [];
      rows.forEach((row, i) => {
        if (outcomes[i]) return;
        if (mayResend(row)) {
          const key = JSON.stringify([row.chatId, row.authorId, row.clientDate, row.text]);
          const first = firstOfKey.get(key);
          if (first !== undefined) return void repeats.set(i, first);
          firstOfKey.set(key, i);
        }
        toWrite.push(i);
      });
      const ids = await insertRows(
        tx,
        toWrite.map((i) => rows[i]),
      );
      toWrite.forEach((i, k) => (outcomes[i] = { id: ids[k], createdAt: rows[i].createdAt, resent: false }));
      await insertEvents(
        tx,
        toWrite.flatMap((i, k) => {
          const event = rows[i].event;
          return event ? [outboxRow(event(ids[k]), rows[i].createdAt)] : [];
        }),
      );
      await insertTimers(
        tx,
        toWrite.flatMap((i, k) => {
          const dueAt = rows[i].followUpAt;
          return dueAt === null ? [] : [[ids[k], dueAt]];
        }),
      );
      repeats.forEach((first, i) => (outcomes[i] = { ...(outcomes[first] as CommittedRow), resent: true }));
      return outcomes as CommittedRow[];
    });
}

type Query = (sql: string, values: unknown[]) => Promise<unknown>;

/** Per row, the stored original it resends (the first one in its window), or undefined. */
async function findOriginals(tx: { query: Query }, rows: MessageRow[]): Promise<(CommittedRow | undefined)[]> {
  const outcomes: (CommittedRow | undefined)[] = rows.map(() => undefined);
  const values: unknown[] = [];
  rows.forEach((row, i) => {
    if (mayResend(row)) values.push(i, row.chatId, row.authorId, row.clientDate, row.text, row.resendSince);
  });
  if (values.length === 0) return outcomes;
  const found = (await tx.query(
    `SELECT DISTINCT ON (v.i) v.i AS "row", m."id", m."created_at" AS "createdAt"
     FROM (VALUES ${tuples(values.length / 6, 6, ['integer', 'integer', 'integer', 'varchar', 'text', 'bigint'])})
       AS v (i, chat_id, author_id, client_date, text, since)
     JOIN "messages" m ON m."chat_id" = v.chat_id AND m."client_date" IS NOT NULL AND m."client_date" = v.client_date
       AND m."author_id" = v.author_id AND m."text" = v.text AND m."created_at" >= v.since
     ORDER BY v.i, m."id"`,
    values,
  )) as { row: number; id: number | string; createdAt: number | string }[];
  for (const { row, id, createdAt } of found) {
    outcomes[row] = { id: Number(id), createdAt: Number(createdAt), resent: true };
  }
  return outcomes;
}

async function insertRows(tx: { query: Query }, rows: MessageRow[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const inserted = (await tx.query(
    `INSERT INTO "messages" (${INSERT_COLUMNS}) VALUES ${tuples(rows.length, COLUMNS.length)} RETURNING "id"`,
    rows.flatMap(columnValues),
  )) as { id: number | string }[];
  return inserted.map((row) => Number(row.id));
}

/** The outbox rows of a batch's written messages, in one statement of the batch's transaction. */
async function insertEvents(tx: { query: Query }, events: OutboxRow[]): Promise<void> {
  const insert = postgresOutboxInsert(events);
  if (insert) await tx.query(insert.sql, insert.values);
}

/** The follow-up timers of a batch's written messages (`[messageId, dueAt]`), in one statement of its transaction. */
async function insertTimers(tx: { query: Query }, timers: number[][]): Promise<void> {
  if (timers.length === 0) return;
  await tx.query(
    `INSERT INTO "webhook_timers" ("message_id", "due_at") VALUES ${tuples(timers.length, 2)}`,
    timers.flat(),
  );
}

/** `count` parenthesised tuples of `width` numbered parameters ($1 …), each cast to `types` when given. */
function tuples(count: number, width: number, types?: string[]): string {
  return Array.from(
    { length: count },
    (_, t) =>
      `(${Array.from({ length: width }, (_, c) => `$${t * width + c + 1}${types ? `::${types[c]}` : ''}`).join(', ')})`,
  ).join(', ');
}
