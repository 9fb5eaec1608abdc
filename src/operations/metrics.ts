import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ConnectionMeter } from '../realtime/connection/connection-meter.js';
import { TalliedCounter } from './tallied-counter.js';

/**
 * A gateway's name in the `protocol` label: `lobby` and `seller` for the two built-in ones, the declared name
 * (`@WebSocketGateway({ name })`) for any other, so each is counted on its own.
 */
export type Protocol = string;

/** What the webhook outbox holds that has not been delivered yet. */
export interface WebhookBacklog {
  pending: number;
  oldestAgeSeconds: number;
}

/**
 * What Chatgate counts, in Prometheus terms, on a registry of its own (so several apps in one process, as in the
 * tests, do not share counters). Services and gateways record into it; `/metrics` serves it. Gauges that describe
 * current state (connections, members) are read when scraped, from the sources gateways register.
 */
@Injectable()
export class Metrics implements ConnectionMeter {
  readonly registry = new Registry();

  /** By protocol. */
  readonly messagesStored = new TalliedCounter({
    name: 'chatgate_messages_stored_total',
    help: 'Messages committed to the database',
    labelName: 'protocol',
    registry: this.registry,
  });

  /** By protocol. */
  readonly messagesDelivered = new TalliedCounter({
    name: 'chatgate_messages_delivered_total',
    help: 'Message frames handed to this instance’s connections (one per receiving connection)',
    labelName: 'protocol',
    registry: this.registry,
  });

  readonly authFailures = new Counter({
    name: 'chatgate_auth_failures_total',
    help: 'Failed auth requests, by the protocol’s reason',
    labelNames: ['protocol', 'reason'] as const,
    registers: [this.registry],
  });

  readonly refusals = new Counter({
    name: 'chatgate_refusals_total',
    help: 'Connections or requests refused by a limit',
    labelNames: ['protocol', 'limit'] as const,
    registers: [this.registry],
  });

  readonly moderationActions = new Counter({
    name: 'chatgate_moderation_actions_total',
    help: 'Lobby moderation actions recorded in the moderation log, by action',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });

  readonly historyReads = new Counter({
    name: 'chatgate_history_reads_total',
    help:
      'History queries for auth replies: recent (a lobby’s newest messages, shared by the sockets entering together), ' +
      'catch_up (the messages after a reconnecting reader’s `since`, when the shared recent ones do not cover it)',
    labelNames: ['protocol', 'kind'] as const,
    registers: [this.registry],
  });

  readonly commitBatchSize = new Histogram({
    name: 'chatgate_group_commit_batch_size',
    help: 'Messages per group-commit transaction',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });

  readonly commitSeconds = new Histogram({
    name: 'chatgate_group_commit_seconds',
    help: 'Time from a batch’s first write to its commit',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'chatgate_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome: delivered, retry (failed, tried again later), failed (given up)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly webhookPruned = new Counter({
    name: 'chatgate_webhook_pruned_total',
    help: 'Finished webhook rows deleted after WEBHOOK_RETENTION_MS, by table: deliveries, events (once none of their deliveries is left)',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  private readonly connectionSources = new Map<Protocol, () => number>();
  private webhookBacklogSource: () => Promise<WebhookBacklog> = async () => ({ pending: 0, oldestAgeSeconds: 0 });
  private lobbyMemberSource: () => Map<number, number> = () => new Map();
  private sellerSource: () => number = () => 0;
  private authQueueSource: () => number = () => 0;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'chatgate_' });
    const sources = this.connectionSources;
    new Gauge({
      name: 'chatgate_connections',
      help: 'Open connections on this instance',
      labelNames: ['protocol'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [protocol, count] of sources) this.set({ protocol }, count());
      },
    });
    const lobbyMembers = () => this.lobbyMemberSource();
    new Gauge({
      name: 'chatgate_lobby_members',
      help: 'Authenticated (non-anonymous) lobby sockets on this instance, by app',
      labelNames: ['app'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [app, count] of lobbyMembers()) this.set({ app: String(app) }, count);
      },
    });
    // One read per scrape for both gauges: the pending count's collect reads it, the age's uses the same answer.
    let backlog: Promise<WebhookBacklog> | null = null;
    const readBacklog = () =>
      (backlog ??= this.webhookBacklogSource().finally(() => setImmediate(() => (backlog = null))));
    new Gauge({
      name: 'chatgate_webhook_pending',
      help: 'Webhook events waiting to be delivered (per endpoint), and recorded events not yet assigned to endpoints',
      registers: [this.registry],
      async collect() {
        this.set((await readBacklog()).pending);
      },
    });
    new Gauge({
      name: 'chatgate_webhook_oldest_pending_seconds',
      help: 'Age of the oldest webhook event still waiting to be delivered; 0 when none waits',
      registers: [this.registry],
      async collect() {
        this.set((await readBacklog()).oldestAgeSeconds);
      },
    });
    const waitingAuths = () => this.authQueueSource();
    new Gauge({
      name: 'chatgate_auth_queue_length',
      help: 'Auths waiting for their turn (AUTH_CONCURRENCY run at once; at most AUTH_QUEUE_MAX wait)',
      registers: [this.registry],
      collect() {
        this.set(waitingAuths());
      },
    });
    const sellers = () => this.sellerSource();
    new Gauge({
      name: 'chatgate_sellers_online',
      help: 'Sellers with at least one authenticated connection on this instance',
      registers: [this.registry],
      collect() {
        this.set(sellers());
      },
    });
  }

  refused(protocol: Protocol, limit: string): void {
    this.refusals.inc({ protocol, limit });
  }

  /** The webhook dispatcher says how to read its backlog (a database query, made when scraped). */
  countWebhookBacklog(read: () => Promise<WebhookBacklog>): void {
    this.webhookBacklogSource = read;
  }

  /** The connection core (Sessions) says how to count a gateway's open connections. */
  countConnections(protocol: Protocol, count: () => number): void {
    this.connectionSources.set(protocol, count);
  }

  countLobbyMembers(count: () => Map<number, number>): void {
    this.lobbyMemberSource = count;
  }

  countWaitingAuths(count: () => number): void {
    this.authQueueSource = count;
  }

  countOnlineSellers(count: () => number): void {
    this.sellerSource = count;
  }
}
