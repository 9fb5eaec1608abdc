import type { Redis } from 'ioredis';
import { SystemClock } from '../../common/clock.js';
import { deliveryBusContract } from '../../../test/support/delivery-bus.contract.js';
import { presenceStoreContract } from '../../../test/support/presence-store.contract.js';
import { freshRedisPrefix, redisConfig } from '../../../test/support/redis.js';
import { InstanceIdentity } from '../bus/instance-identity.js';
import { RedisConnections } from './redis-connections.js';
import { RedisDeliveryBus } from '../bus/redis-delivery-bus.js';
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
  const connections = new RedisConnections(redisConfig(freshRedisPrefix()).cluster);
  const store = new RedisPresenceStore(connections);
  return {
    store,
    close: async () => {
      const redis = connections.get('commands');
      const keys = await redis.keys(`${connections.prefix}*`);
      if (keys.length) await redis.del(...keys);
      await connections.onApplicationShutdown();
    },
  };
});
