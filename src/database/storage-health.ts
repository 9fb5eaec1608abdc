import { accessSync, constants, statSync } from 'node:fs';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';

/**
 * Whether the storage can take writes. For a SQLite file: the file the server opened is still the one at its path
 * (not deleted, not replaced) and still writable. A deleted file stays open in this process, so SQLite would go on
 * committing into an inode nobody will ever open again; a read-only one would fail every write. Checked every
 * STORAGE_CHECK_INTERVAL_MS (for readiness) and before every message batch (so nothing is acked into a lost file).
 * PostgreSQL and in-memory SQLite have no file to watch: always ready here.
 */
@Injectable()
export class StorageHealth implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StorageHealth');
  private readonly path: string | null;
  private identity: { dev: number; ino: number } | null = null;
  private problem: string | null = null;
  private readonly interval: number;
  private stop = () => {};

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
  ) {
    const { database } = config;
    this.path = database.kind === 'sqlite' && database.path !== ':memory:' ? database.path : null;
    this.interval = config.storageCheckIntervalMs;
  }

  onApplicationBootstrap(): void {
    if (this.path === null) return;
    const { dev, ino } = statSync(this.path);
    this.identity = { dev, ino };
    this.stop = this.clock.every(this.interval, () => this.check());
  }

  onApplicationShutdown(): void {
    this.stop();
  }

  /** Null when writes may go ahead; otherwise why not (no paths or identities: safe for clients and logs). */
  check(): string | null {
    const problem = this.inspect();
    if (problem !== this.problem) {
      if (problem) this.logger.error(`storage not ready: ${problem}; message writes are refused until it is fixed`);
      else this.logger.log('storage ready again');
      this.problem = problem;
    }
    return problem;
  }

  /** For a readiness check: the state at the last check, without touching the file system. */
  get ready(): boolean {
    return this.problem === null;
  }

  private inspect(): string | null {
    if (this.path === null || this.identity === null) return null;
    let stat;
    try {
      stat = statSync(this.path);
    } catch {
      return 'the database file was deleted';
    }
    if (stat.dev !== this.identity.dev || stat.ino !== this.identity.ino) return 'the database file was replaced';
    // access() alone says yes to root whatever the mode, so the write bits are checked as well.
    if ((stat.mode & 0o222) === 0) return 'the database file is read-only';
    try {
      accessSync(this.path, constants.W_OK);
    } catch {
      return 'the database file is read-only';
    }
    return null;
  }
}
