import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { RateLimitedLog } from '../common/rate-limited-log.js';
import { describeFault } from '../common/refusal.js';
import { databaseSettings } from '../config/areas/database.settings.js';
import { webhookSettings } from '../config/areas/webhooks.settings.js';
import { Metrics } from '../operations/metrics.js';
import { webhookPruning, type WebhookPruning } from './webhook-pruning.js';

/** How much one sweep deletes: `rows` per statement, at most `batches` statements per table. */
export interface PruningBounds {
  rows: number;
  batches: number;
}

/**
 * Provider of the sweep's bounds: 500 rows a statement keeps each SQLite write transaction to a few milliseconds, and
 * 100 batches (50,000 rows of each table a sweep) let a backlog go over several sweeps rather than in one long one.
 */
export const WEBHOOK_PRUNING_BOUNDS = 'WEBHOOK_PRUNING_BOUNDS';
export const DEFAULT_PRUNING_BOUNDS: PruningBounds = { rows: 500, batches: 100 };

/** The longest time between two sweeps; a shorter WEBHOOK_RETENTION_MS sweeps that often (but at most once a second). */
export const MAX_SWEEP_INTERVAL_MS = 600_000;

/**
 * Deletes finished webhook rows older than WEBHOOK_RETENTION_MS (0: never), so the outbox does not grow without
 * bound: every min(WEBHOOK_RETENTION_MS, 10 minutes) each instance deletes the deliveries finished before the cutoff,
 * then the events before it that have no delivery left (docs/webhooks.md#retention). Sweeps wait on the injected
 * Clock like the dispatcher's rounds: the next is set only once one has ended. Between two statements the sweep
 * yields, so message writes go on while a backlog is deleted.
 */
@Injectable()
export class WebhookRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly faults = new RateLimitedLog(new Logger('Webhooks'));
  private readonly pruning: WebhookPruning;
  private cancelSweep: () => void = () => {};
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Where the events' sweep goes on: a sweep that used up its batches leaves the rest to the next one. */
  private eventsAfter = 0;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(webhookSettings.KEY) private readonly settings: ConfigType<typeof webhookSettings>,
    @Inject(databaseSettings.KEY) database: ConfigType<typeof databaseSettings>,
    @Inject(WEBHOOK_PRUNING_BOUNDS) private readonly bounds: PruningBounds,
    private readonly metrics: Metrics,
  ) {
    this.pruning = webhookPruning(dataSource, database.writeTimeoutMs);
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  /** No new sweep starts, and the running one (between two batches at most) ends before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.cancelSweep();
    await this.running;
  }

  private schedule(): void {
    const retention = this.settings.retentionMs;
    if (this.stopped || retention === 0) return;
    const interval = Math.max(1000, Math.min(retention, MAX_SWEEP_INTERVAL_MS));
    this.cancelSweep = this.clock.after(interval, () => (this.running = this.sweep()));
  }

  private async sweep(): Promise<void> {
    const cutoff = this.clock.now() - this.settings.retentionMs;
    try {
      await this.sweepDeliveries(cutoff);
      await this.sweepEvents(cutoff);
    } catch (error) {
      this.faults.error(`webhook retention sweep failed: ${describeFault(error)}`);
    }
    this.schedule();
  }

  /** Deliveries first: an event can go only once its deliveries have. */
  private async sweepDeliveries(cutoff: number): Promise<void> {
    const { rows, batches } = this.bounds;
    for (let batch = 0; batch < batches && !this.stopped; batch++) {
      const deleted = await this.pruning.deliveries(cutoff, rows);
      if (deleted > 0) this.metrics.webhookPruned.inc({ table: 'deliveries' }, deleted);
      if (deleted < rows) return;
      await nextTurn();
    }
  }

  private async sweepEvents(cutoff: number): Promise<void> {
    const { rows, batches } = this.bounds;
    for (let batch = 0; batch < batches && !this.stopped; batch++) {
      const window = await this.pruning.events(this.eventsAfter, cutoff, rows);
      if (window.deleted > 0) this.metrics.webhookPruned.inc({ table: 'events' }, window.deleted);
      this.eventsAfter = window.done ? 0 : window.last;
      if (window.done) return;
      await nextTurn();
    }
  }
}

/** Lets I/O (a message's write, say) run between two batches; SQLite's run synchronously. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
