import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterProcesses, OwnRedis, startClusterProcesses } from '../support/cluster-processes.js';
import { LobbyClient, settle } from '../support/lobby-client.js';
import { until } from '../support/until.js';
import { uniqueUname } from '../support/server.js';

describe('two instances through a Redis that goes away and comes back empty', () => {
  let redis: OwnRedis;
  let cluster: ClusterProcesses;
  const open: LobbyClient[] = [];
  const lobbyOn = async (i: number, appId: number, hashedToken?: string) => {
    const client = await LobbyClient.join(cluster.instances[i].url, appId, hashedToken);
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    redis = await OwnRedis.start();
    // The speaker posts more than the default rate allows; the limit is not what this test is about.
    cluster = await startClusterProcesses(2, {
      REDIS_URL: redis.url,
      PRESENCE_TTL_MS: '1500',
      LOBBY_RATE_MESSAGES: '1000',
    });
  });
  afterAll(async () => {
    open.forEach((client) => client.close());
    await cluster?.close();
    await redis?.stop();
  });

  it('keeps serving locally, loses no stored message, logs once, and joins up again when Redis returns', async () => {
    const appId = await cluster.api.createApp();
    const user = await cluster.api.createUser(uniqueUname('steady'));
    const speaker = await lobbyOn(0, appId, user.hashedToken);
    const near = await lobbyOn(0, appId);
    const far = await lobbyOn(1, appId);
    expect(Object.keys(far.data.room.users)).toEqual([user.uname]);

    await redis.stop();
    await settle(500);
    const acks = [];
    for (let i = 0; i < 5; i++) acks.push(await speaker.say(`during the outage ${i}`));
    expect(acks).toEqual([[], [], [], [], []]);
    expect((await near.waitFor('new_message', 5)).map((m: any) => m.text)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `during the outage ${i}`),
    );
    const alsoServed = await lobbyOn(1, appId);
    expect(alsoServed.data.room.history).toHaveLength(5);

    await redis.restart();
    // Delivery resumes once the instances have reconnected and resubscribed: keep talking until the far side hears.
    let said = 0;
    for (const deadline = Date.now() + 15_000; far.events('new_message').length === 0 && Date.now() < deadline;) {
      expect(await speaker.say(`after ${said++}`)).toEqual([]);
      await settle(300);
    }
    expect(far.events('new_message').length).toBeGreaterThan(0);
    expect(await speaker.say('once more')).toEqual([]);
    // A marker from the same speaker: the far instance hears it after any second copy of "once more".
    expect(await speaker.say('marker')).toEqual([]);
    await until(() => far.events('new_message').some(([, m]) => (m as { text: string }).text === 'marker'), {
      what: 'the marker on the far instance',
    });
    const texts = far.events('new_message').map(([, m]) => (m as { text: string }).text);
    expect(texts.filter((text) => text === 'once more')).toEqual(['once more']);

    // Presence is rebuilt from what each instance holds: the speaker (on instance 0) is listed on instance 1.
    let listed = false;
    for (const deadline = Date.now() + 10_000; !listed && Date.now() < deadline; await settle(300)) {
      listed = user.uname in (await lobbyOn(1, appId)).data.room.users;
    }
    expect(listed).toBe(true);

    const stored = (await cluster.api.get(`/api/apps/${appId}/messages?limit=100`)).body as { text: string }[];
    expect(stored.map((m) => m.text)).toEqual([
      ...[0, 1, 2, 3, 4].map((i) => `during the outage ${i}`),
      ...Array.from({ length: said }, (_, i) => `after ${i}`),
      'once more',
      'marker',
    ]);
    for (const instance of cluster.instances) {
      expect(instance.output().match(/publisher connection lost/g)).toHaveLength(1);
    }
  });
});
