import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useClusterProcesses } from '../support/cluster-processes.js';
import { LobbyClient } from '../support/lobby-client.js';
import { ROOMY_LIMITS } from '../support/testing-app.js';
import { QUICK_WEBHOOKS, WebhookReceiver } from '../support/webhook-receiver.js';

describe('webhooks from two instances on PostgreSQL', () => {
  const cluster = useClusterProcesses(2, { ...ROOMY_LIMITS, ...QUICK_WEBHOOKS });
  let site: WebhookReceiver;

  beforeAll(async () => {
    site = await WebhookReceiver.start();
  });
  afterAll(() => site?.close());

  it('delivers each event exactly once, whichever instance recorded it', async () => {
    const created = await cluster.api.post('/api/webhooks', { url: site.url, events: ['lobby.message.created'] });
    expect(created.status).toBe(201);
    const { id, secret } = created.body as { id: number; secret: string };
    const appId = await cluster.api.createApp();
    const user = await cluster.api.createUser('cluster_hooks');
    const speakers = await Promise.all(
      cluster.instances.map((instance) => LobbyClient.join(instance.url, appId, user.hashedToken)),
    );
    speakers.forEach(cluster.track);
    const texts = Array.from({ length: 40 }, (_, i) => `from ${i % 2} #${i}`);
    await Promise.all(texts.map((text, i) => speakers[i % 2].say(text)));

    const received = await site.waitFor(texts.length);
    const events = received.map((request) => WebhookReceiver.verify(secret, request));
    expect(events.map((e) => e.data.message.text).sort()).toEqual([...texts].sort());
    // Every delivery was made once, in one attempt, by one of the instances.
    await expect
      .poll(async () => (await cluster.api.get(`/api/webhooks/${id}/deliveries?limit=500`)).body)
      .toEqual(texts.map(() => expect.objectContaining({ state: 'delivered', attempts: 1 })));
    // Nothing more arrives: the marker is the next request.
    await speakers[1].say('marker');
    const all = await site.waitFor(texts.length + 1);
    expect(WebhookReceiver.verify(secret, all[texts.length]).data.message.text).toBe('marker');
    expect(new Set(all.map((r) => r.headers['webhook-id'])).size).toBe(texts.length + 1);
  });
});
