import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource, DataSourceOptions } from 'typeorm';
import { describeFault } from '../common/refusal.js';
import type { DatabaseSettings } from '../config/areas/database.settings.js';
import { openDatabase } from './migrate.js';
import { resyncTransactionStateOnFailure } from './sqlite-transaction-state.js';
import { isPermanentOpenFault } from './storage-faults.js';

/** Opening the database failed for good; the message is the one line an operator reads (main.ts prints it). */
export class DatabaseStartError extends Error {
  override name = 'DatabaseStartError';
}

const RETRY_DELAY_MS = 1000;
const TIMED_OUT = Symbol('timed out');

/**
 * Opens the database (and runs migrations, see migrate.ts) within DATABASE_START_TIMEOUT_MS: transient failures
 * (refused, reset, timed out, busy) are retried up to DATABASE_START_RETRIES times, permanent ones (unknown database
 * or role, bad password, a path that cannot be created) end it at once. Every failure names the setting to look at
 * and the cause.
 */
export async function startDatabase(options: DataSourceOptions, settings: DatabaseSettings): Promise<DataSource> {
  const database = settings.connection;
  const what = database.kind === 'sqlite' ? `SQLite ${database.path}` : 'PostgreSQL';
  const permanent = (cause: string) =>
    new DatabaseStartError(`cannot open the database (DATABASE_URL, ${what}): ${cause}`);
  if (database.kind === 'sqlite' && database.path !== ':memory:') {
    try {
      makeDirectory(dirname(database.path));
    } catch (error) {
      throw permanent(faultOf(error));
    }
  }
  const deadline = Date.now() + settings.startTimeoutMs;
  const timedOut = (attempts: number, cause: string) =>
    new DatabaseStartError(
      `cannot open the database (${what}) within DATABASE_START_TIMEOUT_MS=${settings.startTimeoutMs} ` +
        `(${attempts} attempt${attempts === 1 ? '' : 's'}): ${cause}`,
    );
  let lastCause = 'no answer';
  for (let attempt = 1; ; attempt++) {
    // A failed attempt has closed what it opened (migrate.ts).
    const opening = openDatabase(options, settings.runMigrations);
    let outcome: DataSource | typeof TIMED_OUT;
    try {
      outcome = await beforeDeadline(opening, deadline);
    } catch (error) {
      lastCause = faultOf(error);
      if (isPermanentOpenFault(error)) throw permanent(lastCause);
      if (attempt > settings.startRetries) {
        throw new DatabaseStartError(
          `cannot open the database (${what}) after ${attempt} attempts (DATABASE_START_RETRIES=${settings.startRetries}): ${lastCause}`,
        );
      }
      if (deadline - Date.now() <= RETRY_DELAY_MS) throw timedOut(attempt, lastCause);
      await sleep(RETRY_DELAY_MS);
      continue;
    }
    if (outcome !== TIMED_OUT) {
      resyncTransactionStateOnFailure(outcome);
      return outcome;
    }
    // The attempt may still succeed later: its connection is closed then, so nothing is left open.
    opening.then(
      (late) => late.destroy(),
      () => {},
    );
    throw timedOut(attempt, lastCause === 'no answer' ? 'no answer from the database' : lastCause);
  }
}

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdirSync spins for ever where a parent exists but refuses
 * children with ENOENT (under /proc), which froze start-up with nothing printed.
 */
function makeDirectory(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeDirectory(parent);
  mkdirSync(dir);
}

function beforeDeadline<T>(work: Promise<T>, deadline: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([work, expiry]).finally(() => clearTimeout(timer));
}

/** describeFault plus the driver's code (SQLSTATE, SQLITE_*, errno), which names the cause more precisely. */
function faultOf(error: unknown): string {
  const inner = (error as { driverError?: unknown } | null)?.driverError ?? error;
  const code = (inner as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? `${describeFault(inner)} (${code})` : describeFault(inner);
}
