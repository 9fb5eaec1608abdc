// redis-fanout: the fan-out with readers alternating over two Chatgate instances sharing one fresh PostgreSQL
// database and Redis under a fresh REDIS_KEY_PREFIX; CPU summed over both. Baseline: one plain socket.io server.
import { log, n, REDIS_URL } from '../config.mjs';
import { freshPostgres, freshRedisPrefix } from '../databases.mjs';
import { Generator } from '../generator.mjs';
import { provisionLobby } from '../provision.mjs';
import { raw } from '../report.mjs';
import { startChatgate } from '../servers.mjs';
import { baselineFanout, fanoutRows, fanoutRun } from './fanout.mjs';

export async function redisFanout() {
  const gen = new Generator();
  const pgdb = await freshPostgres();
  const redis = freshRedisPrefix();
  const servers = [];
  let c;
  try {
    const env = { DATABASE_URL: pgdb.url, REDIS_URL, REDIS_KEY_PREFIX: redis.prefix };
    servers.push(await startChatgate('chatgate A', env, { profileName: 'redis-a' }));
    servers.push(await startChatgate('chatgate B', env, { profileName: 'redis-b' }));
    const specsFor = await provisionLobby(servers[0], 500);
    // senders are the first sockets, on A; readers alternate A, B
    c = await fanoutRun('chatgate 2 instances fan-out', servers, gen, specsFor, { senders: 10 });
  } finally {
    gen.stop();
    for (const s of servers) await s.stop();
    await pgdb.drop().catch((e) => log('drop failed', e.message));
    await redis.removeKeys().catch((e) => log('redis cleanup failed', e.message));
  }
  raw.redisFanout = c;
  const b = await baselineFanout();
  fanoutRows(`lobby fan-out, 2 instances via Redis (${n(5000)} readers; baseline: 1 plain socket.io)`, c, b);
}
