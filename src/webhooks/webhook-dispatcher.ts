import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { RateLimitedLog } from '../common/rate-limited-log.js';
import { describeFault } from '../common/refusal.js';
import { databaseSettings } from '../config/areas/database.settings.js';
import { webhookSettings } from '../config/areas/webhooks.settings.js';
import { Metrics, type WebhookBacklog } from '../operations/metrics.js';
import { type AttemptOutcome, WebhookSender } from './webhook-sender.js';
import { type AttemptRecord, type ClaimedDelivery, webhookQueue, type WebhookQueue } from './webhook-queue.js';
import { WebhookSubscriptions } from './webhook-subscriptions.js';
import { WebhookDeliveryEntity, WebhookEventEntity } from './webhook.entities.js';

/** Events fanned out per statement; a round repeats it while batches come back full. */
const FAN_OUT_BATCH = 500;
/** A claimed attempt's lease outlasts its timeout by this much, so it is never taken twice while it runs. */
const LEASE_MARGIN_MS = 5000;

/**
 * Delivers the outbox. Every WEBHOOK_POLL_INTERVAL_MS each instance fans recorded events out into deliveries and
 * claims the due ones, up to WEBHOOK_CONCURRENCY attempts in flight; an attempt's result is stored as it comes.
 * Rounds wait on the injected Clock's timers, as every stored time comes from it: a fake clock held still runs no
 * round, and a move past the next round's time runs exactly that one (the next is set only once it has ended).
 * A dead endpoint costs rows (its deliveries wait in the database), never memory: only claimed attempts are held.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly faults = new RateLimitedLog(this.logger);
  private readonly queue: WebhookQueue;
  private readonly sender = new WebhookSender();
  private readonly attemptOptions: { timeoutMs: number; allowPrivate: boolean };
  private readonly attempts = new Set<Promise<void>>();
  /** Cancels the next round's timer. */
  private cancelRound: () => void = () => {};
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private claiming: Promise<void> | null = null;
  /** Outcomes of ended attempts not stored yet, and the store of the previous ones (they are stored in order). */
  private readonly settled: AttemptRecord[] = [];
  private recording: Promise<void> = Promise.resolve();
  /** The last claim filled every free slot, so more deliveries are probably due. */
  private moreDue = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(WebhookDeliveryEntity) private readonly deliveries: Repository<WebhookDeliveryEntity>,
    private readonly subscriptions: WebhookSubscriptions,
    private readonly clock: Clock,
    @Inject(webhookSettings.KEY) private readonly settings: ConfigType<typeof webhookSettings>,
    @Inject(databaseSettings.KEY) database: ConfigType<typeof databaseSettings>,
    private readonly metrics: Metrics,
  ) {
    this.queue = webhookQueue(dataSource, database.writeTimeoutMs);
    this.attemptOptions = { timeoutMs: settings.timeoutMs, allowPrivate: settings.allowPrivate };
    metrics.countWebhookBacklog(() => this.backlog());
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  /**
   * No new round starts; the running one and the attempts in flight (each within WEBHOOK_TIMEOUT_MS) end before the
   * database closes.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.cancelRound();
    await this.running;
    await this.claiming;
    await Promise.all(this.attempts);
    await new Promise((resolve) => setImmediate(resolve));
    await this.recording;
    this.sender.close();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.cancelRound = this.clock.after(delayMs, () => (this.running = this.round()));
  }

  private async round(): Promise<void> {
    try {
      await this.subscriptions.refresh();
      while ((await this.queue.fireTimers(FAN_OUT_BATCH, this.clock.now())) === FAN_OUT_BATCH && !this.stopped);
      while ((await this.queue.fanOut(FAN_OUT_BATCH, this.clock.now())) === FAN_OUT_BATCH && !this.stopped);
      await this.fill();
    } catch (error) {
      this.faults.error(`webhook round failed: ${describeFault(error)}`);
    }
    this.schedule(this.settings.pollIntervalMs);
  }

  /**
   * Claims due deliveries for the free attempt slots, storing `settled` (ended attempts' outcomes) in the same write.
   * While claims come back full, more are due: each finished attempt fills its slot again at once, so a backlog drains
   * at the endpoints' pace (up to WEBHOOK_CONCURRENCY in flight), not at one batch per poll interval. Claims never
   * overlap, so no slot is claimed twice; outcomes that end while a claim runs, or with no slot free, are stored alone.
   */
  private async fill(settled: AttemptRecord[] = []): Promise<void> {
    const free = this.settings.concurrency - this.attempts.size;
    if (free <= 0 || this.stopped || this.claiming) return this.queue.record(settled);
    this.claiming = this.claim(free, settled).finally(() => (this.claiming = null));
    await this.claiming;
  }

  private async claim(free: number, settled: AttemptRecord[]): Promise<void> {
    const now = this.clock.now();
    const claimed = await this.queue.claim(free, now, now + this.settings.timeoutMs + LEASE_MARGIN_MS, settled);
    this.moreDue = claimed.length === free;
    for (const delivery of claimed) {
      const attempt = this.attempt(delivery).finally(() => this.attempts.delete(attempt));
      this.attempts.add(attempt);
    }
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const outcome = await this.sender.post(delivery, this.attemptOptions);
    this.settled.push(this.outcomeOf(delivery, outcome));
    if (this.settled.length === 1) setImmediate(() => (this.recording = this.recording.then(() => this.settle())));
  }

  /** What becomes of a delivery after an attempt: delivered, due again after a back-off, or failed for good. */
  private outcomeOf(delivery: ClaimedDelivery, outcome: AttemptOutcome): AttemptRecord {
    const status = 'status' in outcome ? outcome.status : null;
    if (status !== null && status >= 200 && status < 300) {
      return { id: delivery.id, state: 'delivered', nextAttemptAt: null, lastStatus: status, lastError: null };
    }
    const lastError = 'error' in outcome ? outcome.error : `answered HTTP ${status}`;
    const now = this.clock.now();
    const nextAttemptAt = now + this.retryDelay(delivery.attempts);
    const giveUp = nextAttemptAt > delivery.createdAt + this.settings.retryForMs;
    return {
      id: delivery.id,
      state: giveUp ? 'failed' : 'pending',
      nextAttemptAt: giveUp ? now : nextAttemptAt,
      lastStatus: status,
      lastError,
      attempts: delivery.attempts,
    };
  }

  /**
   * Stores the outcomes of the attempts that ended since the last call, in one transaction (under a backlog attempts
   * end in bursts, and a write per attempt was most of the dispatcher's database time), and while more are due claims
   * deliveries for their slots in it too.
   */
  private async settle(): Promise<void> {
    const settled = this.settled.splice(0);
    try {
      await (this.moreDue ? this.fill(settled) : this.queue.record(settled));
    } catch (error) {
      // Outcomes not stored leave their deliveries leased until the lease runs out; then they are attempted again.
      this.faults.error(`recording ${settled.length} webhook attempt(s) failed: ${describeFault(error)}`);
      return;
    }
    for (const { state, id, attempts } of settled) {
      this.metrics.webhookDeliveries.inc({ outcome: state === 'pending' ? 'retry' : state });
      if (state === 'failed') this.logger.warn({ event: 'webhook_failed', delivery: id, attempts });
    }
  }

  /** Exponential: the base, doubled per attempt made, up to the maximum; then between half and all of it. */
  private retryDelay(attempts: number): number {
    const { retryBaseMs: base, retryMaxDelayMs: max } = this.settings;
    const exponential = Math.min(max, base * 2 ** Math.min(attempts - 1, 40));
    return Math.round(exponential * (0.5 + Math.random() / 2));
  }

  private async backlog(): Promise<WebhookBacklog> {
    const [deliveries, events] = await Promise.all([
      this.deliveries
        .createQueryBuilder('d')
        .innerJoin(WebhookEventEntity, 'ev', 'ev.id = d.event_id')
        .select('COUNT(*)', 'n')
        .addSelect('MIN(ev.created_at)', 'oldest')
        .where("d.state = 'pending'")
        .getRawOne<{ n: string | number; oldest: string | number | null }>(),
      this.dataSource
        .getRepository(WebhookEventEntity)
        .createQueryBuilder('ev')
        .select('COUNT(*)', 'n')
        .addSelect('MIN(ev.created_at)', 'oldest')
        .where('ev.fanned_out = :no', { no: false })
        .getRawOne<{ n: string | number; oldest: string | number | null }>(),
    ]);
    const oldest = [deliveries?.oldest, events?.oldest].filter((t) => t !== null && t !== undefined).map(Number);
    return {
      pending: Number(deliveries?.n ?? 0) + Number(events?.n ?? 0),
      oldestAgeSeconds: oldest.length ? Math.max(0, (this.clock.now() - Math.min(...oldest)) / 1000) : 0,
    };
  }
}
