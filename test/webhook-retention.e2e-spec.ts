import { DataSource } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { Clock } from '../src/common/clock.js';
import {
  type DeliveryState,
  WebhookDeliveryEntity,
  WebhookEndpointEntity,
  WebhookEventEntity,
} from '../src/webhooks/webhook.entities.js';
import { WEBHOOK_PRUNING_BOUNDS } from '../src/webhooks/webhook-retention.js';
import { FakeClock } from './support/fake-clock.js';
import { LobbyClient } from './support/lobby-client.js';
import { metricValue } from './support/metrics.js';
import { type TestServer, uniqueUname } from './support/server.js';
import { startTestingApp } from './support/testing-app.js';
import { until } from './support/until.js';
import { QUICK_WEBHOOKS, WebhookReceiver } from './support/webhook-receiver.js';

/**
 * WEBHOOK_RETENTION_MS (docs/webhooks.md#retention), on a fake clock: 30 s of retention sweeps every 30 s, and the
 * dispatcher's rounds (every 60 s) run only when a test moves time past them. A sweep has ended once the next one is
 * set, which the fake clock shows.
 */
describe('webhook retention, on a fake clock', () => {
  const RETENTION_MS = 30_000;
  const POLL_MS = 60_000;
  let clock: FakeClock;
  let server: TestServer | undefined;
  const closers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await server?.close();
    server = undefined;
  });

  /** Starts the app and lets the dispatcher's first round (due at once) run: the next is POLL_MS away. */
  async function start(env: Record<string, string> = {}, bounds?: { rows: number; batches: number }) {
    clock = new FakeClock();
    server = await startTestingApp({
      env: {
        ...QUICK_WEBHOOKS,
        WEBHOOK_POLL_INTERVAL_MS: String(POLL_MS),
        WEBHOOK_RETENTION_MS: String(RETENTION_MS),
        ...env,
      },
      customize: (builder) => {
        const faked = builder.overrideProvider(Clock).useValue(clock);
        return bounds ? faked.overrideProvider(WEBHOOK_PRUNING_BOUNDS).useValue(bounds) : faked;
      },
    });
    const t0 = clock.now();
    await until(() => clock.pendingOnce().includes(t0), { what: 'the first webhook round to be set' });
    clock.advance(0);
    await until(() => clock.pendingOnce().includes(t0 + POLL_MS), { what: 'the first webhook round to end' });
    return { server, t0, db: server.app.get(DataSource) };
  }

  /**
   * Moves time to `at`, where a sweep is due, and waits for that sweep to end: the next one is set, RETENTION_MS on
   * (counted, as a dispatcher's round may be due at that same time).
   */
  async function sweepAt(at: number) {
    const next = at + RETENTION_MS;
    const setAt = () => clock.pendingOnce().filter((due) => due === next).length;
    const before = setAt();
    clock.advance(at - clock.now());
    await until(() => setAt() === before + 1, { what: `the sweep at ${at} to end` });
  }

  async function rows(db: DataSource) {
    const deliveries = await db.getRepository(WebhookDeliveryEntity).find({ order: { id: 'ASC' } });
    const events = await db.getRepository(WebhookEventEntity).find({ order: { id: 'ASC' } });
    return { deliveries: deliveries.map((d) => d.id), events: events.map((e) => e.id) };
  }

  /** Writes rows as the outbox and the dispatcher would have left them. */
  function seeder(db: DataSource) {
    let uid = 0;
    return {
      endpoint: async () =>
        (
          await db.getRepository(WebhookEndpointEntity).insert({
            url: 'http://127.0.0.1:9/hooks',
            secret: 'whsec_c2VlZGVkIHRlc3Qgc2VjcmV0IG9ubHkhISE=',
            events: JSON.stringify(['lobby.user.muted']),
            appId: null,
            sellerId: null,
            createdAt: 0,
          })
        ).identifiers[0].id as number,
      event: async (createdAt: number, fannedOut = true) =>
        (
          await db.getRepository(WebhookEventEntity).insert({
            uid: `msg_seeded${uid++}`,
            type: 'lobby.user.muted',
            appId: 1,
            sellerId: null,
            payload: '{}',
            createdAt,
            fannedOut,
          })
        ).identifiers[0].id as number,
      delivery: async (endpointId: number, eventId: number, state: DeliveryState, nextAttemptAt: number) =>
        (
          await db.getRepository(WebhookDeliveryEntity).insert({
            endpointId,
            eventId,
            state,
            attempts: state === 'pending' ? 0 : 1,
            nextAttemptAt,
            lastStatus: state === 'delivered' ? 200 : null,
            lastError: state === 'failed' ? 'ECONNREFUSED' : null,
          })
        ).identifiers[0].id as number,
    };
  }

  it('deletes finished deliveries older than the retention, then events with none left; keeps everything else', async () => {
    const { t0, db } = await start();
    // The sweep at t0 + RETENTION_MS deletes what finished (or, for an event, happened) at or before t0.
    const [old, young, later] = [t0 - 5000, t0 + 5000, t0 + 3_600_000];
    const seed = seeder(db);
    const hook = await seed.endpoint();
    const delivered = await seed.event(old - 60_000);
    const deliveredOld = await seed.delivery(hook, delivered, 'delivered', old);
    const failed = await seed.event(old - 60_000);
    const failedOld = await seed.delivery(hook, failed, 'failed', old);
    const halfDone = await seed.event(old - 60_000);
    const halfDoneOld = await seed.delivery(hook, halfDone, 'delivered', old);
    const halfDonePending = await seed.delivery(hook, halfDone, 'pending', later);
    const recent = await seed.event(old - 60_000);
    const recentlyDelivered = await seed.delivery(hook, recent, 'delivered', young);
    const leased = await seed.event(old - 60_000);
    const leasedAttempt = await seed.delivery(hook, leased, 'pending', old);
    const unwanted = await seed.event(old);
    const unfanned = await seed.event(old, false);
    const youngEvent = await seed.event(young);
    expect(await rows(db)).toEqual({
      deliveries: [deliveredOld, failedOld, halfDoneOld, halfDonePending, recentlyDelivered, leasedAttempt],
      events: [delivered, failed, halfDone, recent, leased, unwanted, unfanned, youngEvent],
    });

    await sweepAt(t0 + RETENTION_MS);
    expect(await rows(db)).toEqual({
      deliveries: [halfDonePending, recentlyDelivered, leasedAttempt],
      events: [halfDone, recent, leased, unfanned, youngEvent],
    });
    expect(await metricValue(server!.url, 'chatgate_webhook_pruned_total', { table: 'deliveries' })).toBe(3);
    expect(await metricValue(server!.url, 'chatgate_webhook_pruned_total', { table: 'events' })).toBe(3);
  });

  it('keeps everything with WEBHOOK_RETENTION_MS=0: no sweep is ever set', async () => {
    const { t0, db } = await start({ WEBHOOK_RETENTION_MS: '0' });
    const seed = seeder(db);
    const hook = await seed.endpoint();
    const event = await seed.event(t0 - 86_400_000);
    const delivery = await seed.delivery(hook, event, 'delivered', t0 - 86_400_000);
    const orphan = await seed.event(t0 - 86_400_000);
    // Only the dispatcher's next round waits on the clock.
    expect(clock.pendingOnce()).toEqual([t0 + POLL_MS]);
    clock.advance(POLL_MS);
    await until(() => clock.pendingOnce().includes(t0 + 2 * POLL_MS), { what: 'the next round to end' });
    expect(clock.pendingOnce()).toEqual([t0 + 2 * POLL_MS]);
    expect(await rows(db)).toEqual({ deliveries: [delivery], events: [event, orphan] });
  });

  it('deletes a backlog a bounded batch at a time, and goes on in the next sweep where the last one stopped', async () => {
    // 10 rows a statement, at most 3 statements per table a sweep.
    const { t0, db } = await start({}, { rows: 10, batches: 3 });
    const seed = seeder(db);
    const hook = await seed.endpoint();
    // One old event with 75 finished deliveries (it may go only once they have), then 45 old events with none.
    const busy = await seed.event(t0 - 60_000);
    for (let i = 0; i < 75; i++) await seed.delivery(hook, busy, i % 2 ? 'failed' : 'delivered', t0 - 1000);
    for (let i = 0; i < 45; i++) await seed.event(t0 - 60_000);
    const count = async () => {
      const { deliveries, events } = await rows(db);
      return [deliveries.length, events.length];
    };
    expect(await count()).toEqual([75, 46]);

    // Deliveries: 3 batches of 10. Events: 3 windows of 10 ids; the first holds the busy event, which stays.
    await sweepAt(t0 + RETENTION_MS);
    expect(await count()).toEqual([45, 17]);
    // Deliveries: 30 more. Events: from where the last sweep stopped, 10 and then the last 6.
    await sweepAt(t0 + 2 * RETENTION_MS);
    expect(await count()).toEqual([15, 1]);
    // The last 15 deliveries; then, from the first id again, the busy event has none left.
    await sweepAt(t0 + 3 * RETENTION_MS);
    expect(await count()).toEqual([0, 0]);
    expect(await metricValue(server!.url, 'chatgate_webhook_pruned_total', { table: 'deliveries' })).toBe(75);
    expect(await metricValue(server!.url, 'chatgate_webhook_pruned_total', { table: 'events' })).toBe(46);
  });

  it('deletes what the dispatcher delivered or gave up on, once each is older than the retention', async () => {
    const { t0, db } = await start({ WEBHOOK_RETRY_FOR_MS: '0' });
    const site = await WebhookReceiver.start();
    const broken = await WebhookReceiver.start();
    closers.push(
      () => site.close(),
      () => broken.close(),
    );
    broken.answer = (_, response) => response.writeHead(500).end();
    const subscribe = async (url: string) =>
      (await server!.api.post('/api/webhooks', { url, events: ['lobby.message.created'] })).body as { id: number };
    const [ok, bad] = [await subscribe(site.url), await subscribe(broken.url)];
    const states = async (hook: { id: number }) =>
      ((await server!.api.get(`/api/webhooks/${hook.id}/deliveries`)).body as { state: string }[]).map((d) => d.state);
    const appId = await server!.api.createApp();
    const user = await server!.api.createUser(uniqueUname('retained'));
    const speaker = await LobbyClient.join(server!.url, appId, user.hashedToken);
    closers.push(() => speaker.close());
    for (const text of ['one', 'two', 'three']) await speaker.say(text);
    const events = (await rows(db)).events;
    expect(events).toHaveLength(3);

    // Recorded at t0 but not fanned out yet: the sweep keeps them.
    await sweepAt(t0 + RETENTION_MS);
    expect(await rows(db)).toEqual({ deliveries: [], events });

    // The round at t0 + POLL_MS delivers to one endpoint and gives up on the other at once (no retries).
    await sweepAt(t0 + POLL_MS);
    await site.waitFor(3);
    await broken.waitFor(3);
    await expect.poll(() => states(ok)).toEqual(['delivered', 'delivered', 'delivered']);
    await expect.poll(() => states(bad)).toEqual(['failed', 'failed', 'failed']);
    await until(() => clock.pendingOnce().includes(t0 + 2 * POLL_MS), { what: 'the round to end' });
    const failed = (await server!.api.get(`/api/webhooks/${bad.id}/deliveries`)).body as { id: number }[];

    // A failed delivery finished when it failed (t0 + POLL_MS); a delivered one when its lease would have ended,
    // WEBHOOK_TIMEOUT_MS + 5 s later. Their events stay while either is left.
    await sweepAt(t0 + POLL_MS + RETENTION_MS);
    expect(await states(ok)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(await states(bad)).toEqual([]);
    expect((await rows(db)).events).toEqual(events);
    const retried = await server!.api.post(`/api/webhooks/${bad.id}/deliveries/${failed[0].id}/retry`);
    expect(retried.status).toBe(404);

    await sweepAt(t0 + POLL_MS + 2 * RETENTION_MS);
    expect(await rows(db)).toEqual({ deliveries: [], events: [] });
    expect(await states(ok)).toEqual([]);
    expect(await metricValue(server!.url, 'chatgate_webhook_pruned_total', { table: 'deliveries' })).toBe(6);
    expect(await metricValue(server!.url, 'chatgate_webhook_pruned_total', { table: 'events' })).toBe(3);
    // Nothing was sent twice.
    expect([site.received.length, broken.received.length]).toEqual([3, 3]);
  });
});
