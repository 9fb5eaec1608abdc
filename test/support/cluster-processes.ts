import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { freshDatabase, type TestDatabase } from './database.js';
import { LobbyClient } from './lobby-client.js';
import { freshRedisPrefix, TEST_REDIS_URL } from './redis.js';
import { killed, type ServerProcess, spawnServer } from './server-process.js';
import { SellerClient } from './seller-client.js';
import { ADMIN_TOKEN, Api } from './server.js';

export interface ClusterProcesses {
  instances: ServerProcess[];
  api: Api;
  /** Starts one more instance on the same database and Redis prefix. */
  add(): Promise<ServerProcess>;
  close(): Promise<void>;
}

/**
 * Chatgate instances as separate processes (dist/src/main.js), as a site runs them behind a load balancer:
 * one fresh PostgreSQL database (TEST_POSTGRES_URL, or the machine's) and one fresh Redis key prefix per run.
 */
export async function startClusterProcesses(
  count: number,
  env: Record<string, string> = {},
): Promise<ClusterProcesses> {
  process.env.TEST_POSTGRES_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  const db: TestDatabase = await freshDatabase();
  const prefix = freshRedisPrefix();
  const shared = {
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    ADMIN_TOKEN,
    LOG_LEVEL: 'log',
    ...env,
  };
  // Stops what is still running and removes the run's database and Redis keys: after a close, or a failed start.
  const cleanUp = async (instances: ServerProcess[]) => {
    const running = instances.filter((i) => i.child.exitCode === null && i.child.signalCode === null);
    await Promise.all(running.map((i) => killed(i.child, 'SIGTERM')));
    await db.drop();
    await deleteRedisKeys(shared.REDIS_URL, prefix);
  };
  const started = await Promise.allSettled(Array.from({ length: count }, () => spawnServer(shared)));
  const instances = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await cleanUp(instances);
    throw failed.reason;
  }
  return {
    instances,
    api: new Api(instances[0].url),
    add: async () => {
      const instance = await spawnServer(shared);
      instances.push(instance);
      return instance;
    },
    close: () => cleanUp(instances),
  };
}

/**
 * `count` instances (startClusterProcesses) for a describe block, started before its tests and closed after them,
 * and the clients its tests open on them (`lobbyOn`, `sellerOn`, `track`), closed after each test. `ownRedis`: on
 * a Redis of the block's own (`redis`, which the tests may stop and restart) instead of the machine's.
 */
export function useClusterProcesses(count: number, env: Record<string, string> = {}, { ownRedis = false } = {}) {
  let started: ClusterProcesses | undefined;
  let own: OwnRedis | undefined;
  const open: { close(): void }[] = [];
  const running = (): ClusterProcesses => {
    if (!started) throw new Error('the cluster is not started yet');
    return started;
  };
  const track = <T extends { close(): void }>(client: T): T => {
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    if (ownRedis) own = await OwnRedis.start();
    started = await startClusterProcesses(count, own ? { REDIS_URL: own.url, ...env } : env);
  });
  afterEach(() => open.splice(0).forEach((client) => client.close()));
  afterAll(async () => {
    await started?.close();
    await own?.stop();
  });

  return {
    get instances(): ServerProcess[] {
      return running().instances;
    },
    get api(): Api {
      return running().api;
    },
    add: (): Promise<ServerProcess> => running().add(),
    get redis(): OwnRedis {
      if (!own) throw new Error(ownRedis ? 'the Redis is not started yet' : "this cluster is on the machine's Redis");
      return own;
    },
    track,
    /** A lobby socket on instance `i` that authenticated successfully; `data` is its auth payload. */
    lobbyOn: async (i: number, appId: number, hashedToken?: string) =>
      track(await LobbyClient.join(running().instances[i].url, appId, hashedToken)),
    sellerOn: async (i: number) => track(await SellerClient.connect(running().instances[i].url)),
  };
}

/** Removes what a run left under its key prefix (presence, leases, limits), so runs do not pile up in Redis. */
async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length) await redis.del(...keys);
    }
  } catch {
    // The Redis of an outage test is gone by then: nothing of its is left to delete.
  } finally {
    redis.disconnect();
  }
}

/** A Redis server of the test's own on a free port, so the test can stop and restart it without touching anyone else's. */
export class OwnRedis {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** (Re)starts it, empty: it keeps nothing on disk, as the machine's Redis does not. */
  async restart(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('redis-server did not start')), 10_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
    });
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) await killed(this.child, 'SIGKILL');
    this.child = null;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
