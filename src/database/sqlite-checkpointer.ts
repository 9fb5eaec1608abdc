import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { databaseSettings } from '../config/areas/database.settings.js';
import { sqliteConnection } from './sqlite-writes.js';

/** SQLite's own default: a commit that takes the write-ahead log past this many pages checkpoints it. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

/**
 * The checkpoint thread: its own connection to the file, a PASSIVE checkpoint every `intervalMs`. PASSIVE takes no
 * lock a writer waits for and never waits itself; what a reader still needs is left for the next round. It reports
 * each round: null, or the failure's code (never its message). Kept as
 * plain CommonJS run by `eval`, so the same code runs from `dist/` and under the test runner's TypeScript.
 */
const CHECKPOINT_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
const round = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage(null);
  } catch (error) {
    parentPort.postMessage(String(error.code || error.name));
  }
};
const timer = setInterval(round, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Moves SQLite's write-ahead-log checkpoints off the event loop. Left to SQLite, the commit that takes the log past
 * 1000 pages copies them into the database file and fsyncs both, inside that COMMIT, on the event loop: measured
 * here, a 4–12 ms commit every ~200, and under load the loop spent about a tenth of its time waiting on those fsyncs
 * while every message queued behind them. With SQLITE_CHECKPOINT_INTERVAL_MS > 0, a worker thread checkpoints at
 * that interval and the app's connection only past SQLITE_WAL_MAX_PAGES. Durability is unchanged: a commit is in the
 * log before it is acknowledged, whoever copies it on.
 *
 * The log starts over only when a commit begins with all of it copied. Under commits that never pause, each of the
 * thread's checkpoints ends behind the commits made meanwhile, and the log grew without end (from 13 to 163 MB over
 * the intake benchmark). So past SQLITE_WAL_MAX_PAGES the app's connection checkpoints too: the thread has copied
 * nearly all of it, so that commit copies the rest and fsyncs, and the next one starts the log over.
 * If the thread cannot start or dies, the app's connection checkpoints at SQLite's default again.
 * PostgreSQL and in-memory SQLite have no log to checkpoint.
 */
@Injectable()
export class SqliteCheckpointer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SqliteCheckpointer');
  private readonly path: string | null;
  private readonly intervalMs: number;
  private readonly walMaxPages: number;
  private worker: Worker | null = null;
  private failing: string | null = null;

  constructor(
    @Inject(databaseSettings.KEY) database: ConfigType<typeof databaseSettings>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    const { connection } = database;
    this.path = connection.kind === 'sqlite' && connection.path !== ':memory:' ? connection.path : null;
    this.intervalMs = database.sqliteCheckpointIntervalMs;
    this.walMaxPages = database.sqliteWalMaxPages;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.path === null || this.intervalMs === 0) return;
    const worker = new Worker(CHECKPOINT_THREAD, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        path: this.path,
        intervalMs: this.intervalMs,
      },
    });
    worker.on('message', (failure: string | null) => this.note(failure));
    worker.on('error', (error) => {
      this.logger.error(`checkpoint thread failed (${error.name}); the server checkpoints its own commits again`);
      this.stopped(worker);
    });
    worker.on('exit', () => this.stopped(worker));
    try {
      await new Promise<void>((resolve, reject) => {
        worker.once('online', resolve);
        worker.once('error', reject);
      });
    } catch {
      return; // logged by the error listener
    }
    this.worker = worker;
    this.autocheckpoint(this.walMaxPages);
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.stopped(worker);
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('stop');
    await exited;
  }

  private note(failure: string | null): void {
    if (failure === this.failing) return;
    if (failure) this.logger.warn(`checkpoint failed (${failure}); retrying every ${this.intervalMs} ms`);
    else this.logger.log('checkpoints succeed again');
    this.failing = failure;
  }

  /** The thread is gone or going: the app's connection takes its checkpoints back. */
  private stopped(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.autocheckpoint(SQLITE_DEFAULT_AUTOCHECKPOINT);
  }

  private autocheckpoint(pages: number): void {
    if (this.dataSource.isInitialized) sqliteConnection(this.dataSource).pragma(`wal_autocheckpoint = ${pages}`);
  }
}
