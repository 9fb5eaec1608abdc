import { describe, expect, it } from 'vitest';
import { useClusterProcesses } from '../support/cluster-processes.js';
import { LobbyClient } from '../support/lobby-client.js';
import { until } from '../support/until.js';
import { uniqueUname } from '../support/server.js';

/**
 * What an outage of Redis costs two instances and how they come back (docs/bus-repair.md): each serves its own
 * connections meanwhile; afterwards the bus repair brings a reader that stayed connected what it missed, and
 * presence is recorded again in the emptied Redis.
 */
describe('two instances through a Redis outage that ends with Redis empty', () => {
  const cluster = useClusterProcesses(
    2,
    // The speaker posts more than the default rate allows; the limit is not what this test is about.
    { PRESENCE_TTL_MS: '1500', LOBBY_RATE_MESSAGES: '1000' },
    { ownRedis: true },
  );
  const { lobbyOn } = cluster;

  it('serves each instance alone and logs the loss once; then the reader that stayed gets every message once and in order, one that joined meanwhile nothing twice, and presence is rebuilt', async () => {
    const appId = await cluster.api.createApp();
    const user = await cluster.api.createUser(uniqueUname('steady'));
    const speaker = await lobbyOn(0, appId, user.hashedToken);
    const near = await lobbyOn(0, appId);
    const far = await lobbyOn(1, appId);
    expect(Object.keys(far.data.room.users)).toEqual([user.uname]);
    const texts = (client: LobbyClient) => client.events('new_message').map(([, m]) => (m as { text: string }).text);

    await cluster.redis.stop();
    // Both instances have lost their links, so what follows is said during the outage as they see it.
    await until(
      () =>
        cluster.instances.every(
          (instance) =>
            /publisher connection lost/.test(instance.output()) && /subscriber connection lost/.test(instance.output()),
        ),
      { what: 'both instances noticing that Redis is gone', timeoutMs: 5000 },
    );
    const during = [0, 1, 2, 3, 4].map((i) => `during the outage ${i}`);
    const acks = [];
    for (const text of during) acks.push(await speaker.say(text));
    expect(acks).toEqual([[], [], [], [], []]);
    expect((await near.waitFor('new_message', 5)).map((m: any) => m.text)).toEqual(during);
    const alsoServed = await lobbyOn(1, appId);
    expect(alsoServed.data.room.history.map((m: { text: string }) => m.text)).toEqual(during);

    await cluster.redis.restart();
    // The far reader stayed connected: once its instance is back on Redis, the bus repair brings it what it missed
    // (docs/bus-repair.md), before what is said after.
    expect(await speaker.say('after the return')).toEqual([]);
    await until(() => texts(far).includes('after the return'), {
      what: 'the far reader hearing the speaker again',
      timeoutMs: 15_000,
    });
    // Redis came back empty: the speaker's instance records its connections again, and a reader joining the far
    // instance finds the speaker listed. (The user_joined this announces is not repaired, as no presence event is:
    // it reaches the far reader only if the far instance's link is back by then.)
    await until(
      async () => {
        const reader = await LobbyClient.join(cluster.instances[1].url, appId);
        reader.close();
        return user.uname in reader.data.room.users;
      },
      { what: 'the speaker listed on the far instance again', timeoutMs: 10_000 },
    );
    // A marker from the same speaker: a second copy of anything, or anything still to come, would arrive before it.
    expect(await speaker.say('marker')).toEqual([]);
    await until(() => texts(far).includes('marker') && texts(alsoServed).includes('marker'), {
      what: 'the marker on the far instance',
    });
    expect(texts(far)).toEqual([...during, 'after the return', 'marker']);
    // The reader that joined during the outage had those messages in its history: it is not given them again.
    expect(texts(alsoServed)).toEqual(['after the return', 'marker']);

    const stored = (await cluster.api.get(`/api/apps/${appId}/messages?limit=100`)).body as { text: string }[];
    expect(stored.map((m) => m.text)).toEqual([...during, 'after the return', 'marker']);
    for (const instance of cluster.instances) {
      expect(instance.output().match(/publisher connection lost/g)).toHaveLength(1);
    }
  });
});
