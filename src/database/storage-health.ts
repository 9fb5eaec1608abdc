import { accessSync, constants, statSync } from 'node:fs';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../common/clock.js';
import { databaseSettings } from '../config/areas/database.settings.js';

/**
 * Whether the storage can take writes. For a SQLite file: the file the server opened, and its write-ahead log, are
 * still the ones at their paths (not deleted, not replaced), and the file is still writable. A deleted file stays
 * open in this process, so SQLite would go on committing into an inode nobody will ever open again (into a deleted
 * log, commits a restart would not see); a read-only one would fail every write. Checked every
 * STORAGE_CHECK_INTERVAL_MS (for readiness) and before every message batch (so nothing is acked into a lost file).
 * PostgreSQL and in-memory SQLite have no file to watch: always ready here.
 */
@Injectable()
export class StorageHealth implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StorageHealth');
  private readonly path: string | null;
  private identities: { path: string; what: string; dev: number; ino: number }[] = [];
  private current: string | null = null;
  private readonly interval: number;
  private stop = () => {};

  constructor(
    @Inject(databaseSettings.KEY) database: ConfigType<typeof databaseSettings>,
    private readonly clock: Clock,
  ) {
    const { connection } = database;
    this.path = connection.kind === 'sqlite' && connection.path !== ':memory:' ? connection.path : null;
    this.interval = database.storageCheckIntervalMs;
  }

  onApplicationBootstrap(): void {
    if (this.path === null) return;
    // The log exists from the first write in WAL mode (migrations included) until the last connection closes.
    for (const [path, what] of [
      [this.path, 'the database file'],
      [`${this.path}-wal`, "the database's write-ahead log"],
    ]) {
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat) this.identities.push({ path, what, dev: stat.dev, ino: stat.ino });
    }
    this.stop = this.clock.every(this.interval, () => this.check());
  }

  onApplicationShutdown(): void {
    this.stop();
  }

  /** Null when writes may go ahead; otherwise why not (no paths or identities: safe for clients and logs). */
  check(): string | null {
    const problem = this.inspect();
    if (problem !== this.current) {
      if (problem) this.logger.error(`storage not ready: ${problem}; message writes are refused until it is fixed`);
      else this.logger.log('storage ready again');
      this.current = problem;
    }
    return problem;
  }

  /** For a readiness check: the state at the last check, without touching the file system. */
  get ready(): boolean {
    return this.current === null;
  }

  /** Why the storage was not ready at the last check (null when it was). */
  get problem(): string | null {
    return this.current;
  }

  private inspect(): string | null {
    if (this.path === null || this.identities.length === 0) return null;
    // Runs before every message batch: one stat per watched path, the database file's reused for its mode.
    let mode = 0;
    for (const { path, what, dev, ino } of this.identities) {
      const now = statSync(path, { throwIfNoEntry: false });
      if (!now) return `${what} was deleted`;
      if (now.dev !== dev || now.ino !== ino) return `${what} was replaced`;
      if (path === this.path) mode = now.mode;
    }
    // access() alone says yes to root whatever the mode, so the write bits are checked as well.
    if ((mode & 0o222) === 0) return 'the database file is read-only';
    try {
      accessSync(this.path, constants.W_OK);
    } catch {
      return 'the database file is read-only';
    }
    return null;
  }
}
