import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../common/clock.js';
import { deliveryBusContract } from '../../../test/support/delivery-bus.contract.js';
import { presenceStoreContract } from '../../../test/support/presence-store.contract.js';
import { freshRedisPrefix, redisConfig } from '../../../test/support/redis.js';
import { InstanceIdentity } from '../bus/instance-identity.js';
import { RedisConnections } from './redis-connections.js';
import { RedisDeliveryBus } from '../bus/redis-delivery-bus.js';
import * as scripts from '../presence/presence-scripts.js';
import { RedisPresenceStore } from '../presence/redis-presence.store.js';

deliveryBusContract(
  'RedisDeliveryBus (two instances through Redis)',
  async () => {
    const config = redisConfig();
    const connections = [new RedisConnections(config.cluster), new RedisConnections(config.cluster)];
    const [a, b] = connections.map(
      (redis) =>
        new RedisDeliveryBus(redis, new InstanceIdentity(), config.cluster, config.connections, new SystemClock()),
    );
    // As in an app, whose rooms are watched once it listens: a room watched before would be repaired at first connect.
    await Promise.all(connections.map((redis) => redis.started));
    return {
      a,
      b,
      crossProcess: true,
      links: {
        subscriberOfB: async () => {
          const subscriber = await cut(connections[1].get('subscriber'));
          return {
            // A's earlier publications have reached Redis (one connection's commands run in order): b missed them.
            restore: async () => {
              await connections[0].get('publisher').ping();
              await subscriber.connect();
            },
          };
        },
        publisherOfA: async () => {
          const publisher = await cut(connections[0].get('publisher'));
          return { restore: () => publisher.connect() };
        },
      },
      close: async () => {
        await Promise.all(connections.map((redis) => redis.onApplicationShutdown()));
      },
    };
  },
  true,
);

/** Closes a connection as a failing network would, and waits until ioredis has given it up. */
async function cut(redis: Redis): Promise<Redis> {
  const ended = new Promise((resolve) => redis.once('end', resolve));
  redis.disconnect();
  await ended;
  return redis;
}

presenceStoreContract('RedisPresenceStore', async () => {
  const { store, close } = redisPresenceStores(1);
  return { store: store[0], close };
});

describe('RedisPresenceStore snapshots', () => {
  const alice = { id: 1, uname: 'alice' };
  const bob = { id: 2, uname: 'bob' };
  // Two instances' stores on one fresh prefix, and a connection to read Redis beside them.
  let stores: ReturnType<typeof redisPresenceStores>;
  beforeEach(() => {
    stores = redisPresenceStores(2);
  });
  afterEach(() => stores.close());

  it('is sent the members only when they changed since its last read, on any instance', async () => {
    const [a, b] = stores.store;
    const { redis, prefix } = stores;
    const v = (await a.add('p', alice, 'ia', 'a1')) as number;
    const first = await a.snapshot('p');
    expect(first).toEqual({ members: [alice], version: v });
    // A second connection of a member already there, on either instance, changes no member: the same list.
    await b.add('p', alice, 'ib', 'a2');
    expect(await a.snapshot('p')).toBe(first);
    await b.add('p', bob, 'ib', 'b1');
    const second = await a.snapshot('p');
    expect(second).toEqual({ members: [alice, bob], version: v + 1 });
    expect(first).toEqual({ members: [alice], version: v });
    expect(await b.snapshot('p')).toEqual(second);
    // What Redis answers a holder of the current list: its epoch and version, and no member.
    const [version, epoch, ...members] = (await snapshotScript(redis, prefix, 'p', '', '')) as string[];
    expect([version, members.length]).toEqual([String(v + 1), 2]);
    expect(await snapshotScript(redis, prefix, 'p', epoch, String(v + 1))).toEqual([String(v + 1), epoch]);
    expect(await snapshotScript(redis, prefix, 'p', epoch, String(v))).toHaveLength(4);
  });

  it('starts a place that Redis lost at a later version, and reads its list again even at a version it holds', async () => {
    const [a, b] = stores.store;
    const { redis, prefix } = stores;
    const before = Date.now() * 1000;
    const v = (await a.add('p', alice, 'ia', 'a1')) as number;
    // Redis's clock in microseconds: the same machine's.
    expect(Math.abs(v - before)).toBeLessThan(60_000_000);
    expect(await a.snapshot('p')).toEqual({ members: [alice], version: v });
    // As after a restart with nothing on disk: every key gone. The place's versions go on from Redis's clock.
    await redis.del(...(await redis.keys(`${prefix}*`)));
    const w = (await b.add('p', bob, 'ib', 'b1')) as number;
    expect(w).toBeGreaterThan(v);
    // Were Redis's clock set back so far that the version repeated, the new epoch still tells the lists apart.
    await redis.set(`${prefix}p:p:version`, String(v));
    expect(await a.snapshot('p')).toEqual({ members: [bob], version: v });
  });
});

/** `count` stores, as many instances would hold, on one fresh key prefix. */
function redisPresenceStores(count: number) {
  const config = redisConfig(freshRedisPrefix());
  const connections = Array.from({ length: count }, () => new RedisConnections(config.cluster));
  const redis = connections[0].get('commands');
  const prefix = connections[0].prefix;
  return {
    store: connections.map((each) => new RedisPresenceStore(each, new SystemClock(), config.cache)),
    redis,
    prefix,
    close: async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await Promise.all(connections.map((each) => each.onApplicationShutdown()));
    },
  };
}

function snapshotScript(redis: Redis, ...args: string[]): Promise<unknown> {
  return redis.eval(scripts.SNAPSHOT, 0, ...args);
}
