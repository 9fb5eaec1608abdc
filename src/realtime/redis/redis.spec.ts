import { deliveryBusContract } from '../../../test/support/delivery-bus.contract.js';
import { presenceStoreContract } from '../../../test/support/presence-store.contract.js';
import { freshRedisPrefix, redisConfig } from '../../../test/support/redis.js';
import { InstanceIdentity } from '../bus/instance-identity.js';
import { RedisConnections } from './redis-connections.js';
import { RedisDeliveryBus } from '../bus/redis-delivery-bus.js';
import { RedisPresenceStore } from '../presence/redis-presence.store.js';

deliveryBusContract('RedisDeliveryBus (two instances through Redis)', async () => {
  const config = redisConfig();
  const connections = [new RedisConnections(config), new RedisConnections(config)];
  const [a, b] = connections.map((redis) => new RedisDeliveryBus(redis, new InstanceIdentity()));
  return {
    a,
    b,
    crossProcess: true,
    close: async () => {
      await Promise.all(connections.map((redis) => redis.onApplicationShutdown()));
    },
  };
});

presenceStoreContract('RedisPresenceStore', async () => {
  const connections = new RedisConnections(redisConfig(freshRedisPrefix()));
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
