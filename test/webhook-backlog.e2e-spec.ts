import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock } from '../src/common/clock.js';
import { FakeClock } from './support/fake-clock.js';
import { LobbyClient } from './support/lobby-client.js';
import { type TestServer, uniqueUname } from './support/server.js';
import { startTestingApp } from './support/testing-app.js';
import { until } from './support/until.js';
import { QUICK_WEBHOOKS, WebhookReceiver } from './support/webhook-receiver.js';

/**
 * The dispatcher's rounds wait on the Clock: on a fake one held still after a single round, a backlog drains only if
 * each finished attempt fills its slot at once. One batch of WEBHOOK_CONCURRENCY per round would deliver 2 of 30.
 */
describe('webhook backlog, on a fake clock', () => {
  const POLL_MS = 5000;
  const clock = new FakeClock();
  let server: TestServer;
  let site: WebhookReceiver | undefined;
  let speaker: LobbyClient | undefined;
  beforeAll(async () => {
    server = await startTestingApp({
      // No retention sweep: the dispatcher's rounds are the only timers on the clock.
      env: {
        ...QUICK_WEBHOOKS,
        WEBHOOK_POLL_INTERVAL_MS: String(POLL_MS),
        WEBHOOK_CONCURRENCY: '2',
        WEBHOOK_RETENTION_MS: '0',
      },
      customize: (builder) => builder.overrideProvider(Clock).useValue(clock),
    });
  });
  afterAll(async () => {
    speaker?.close();
    await site?.close();
    await server?.close();
  });

  it('drains a backlog in one round as attempts finish, not one batch of WEBHOOK_CONCURRENCY per round, over kept-alive connections', async () => {
    site = await WebhookReceiver.start();
    const created = await server.api.post('/api/webhooks', { url: site.url, events: ['lobby.message.created'] });
    expect(created.status).toBe(201);
    const deliveries = async () => (await server.api.get(`/api/webhooks/${created.body.id}/deliveries`)).body;
    const appId = await server.api.createApp();
    const user = await server.api.createUser(uniqueUname('backlog'));
    speaker = await LobbyClient.join(server.url, appId, user.hashedToken);
    const texts = Array.from({ length: 30 }, (_, i) => `backlog ${i}`);
    for (const text of texts) await speaker.say(text);
    // The clock has not moved, so no round has run: all 30 events wait to be fanned out.
    expect(await deliveries()).toEqual([]);
    await until(() => clock.pendingOnce().length === 1, { what: 'the first webhook round to be set' });

    clock.advance(POLL_MS);
    // That round runs; the next is set only once it ends, and the clock stays where it is from here on.
    expect(clock.pendingOnce()).toEqual([]);
    const received = await site.waitFor(30);
    expect(received.map((r) => JSON.parse(r.body).data.message.text).sort()).toEqual([...texts].sort());
    await expect
      .poll(async () => (await deliveries()).map((d: { state: string; attempts: number }) => [d.state, d.attempts]))
      .toEqual(texts.map(() => ['delivered', 1]));
    // Each delivery was attempted once, so nothing more arrives; and no other round ran.
    expect(site.received).toHaveLength(30);
    expect(clock.pendingOnce()).toEqual([clock.now() + POLL_MS]);
    expect(site.connections).toBe(2);
  });
});
