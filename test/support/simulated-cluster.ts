import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { LobbyGateway } from '../../src/lobby/lobby.gateway.js';
import { DeliveryBus } from '../../src/realtime/bus/delivery-bus.js';
import { InMemoryPresenceStore } from '../../src/realtime/presence/in-memory-presence.store.js';
import { PresenceStore } from '../../src/realtime/presence/presence-store.js';
import { BusHub } from './bus-hub.js';
import { freshDatabase, usingPostgres } from './database.js';
import { Api, type TestServer } from './server.js';
import { startTestingApp, type TestingAppOptions } from './testing-app.js';

export interface SimulatedCluster extends TestServer {
  instances: TestServer[];
  hub: BusHub;
}

/**
 * A simulated cluster for a describe block (tests of what crosses instances, whatever TEST_CLUSTER says), started
 * before its tests and closed after them, and the clients its tests `track`, closed after each test.
 */
export function useSimulatedCluster() {
  let cluster: SimulatedCluster | undefined;
  const open: { close(): void }[] = [];
  beforeAll(async () => {
    cluster = await startSimulatedCluster();
  });
  afterEach(() => open.splice(0).forEach((client) => client.close()));
  afterAll(() => cluster?.close());
  return {
    get cluster(): SimulatedCluster {
      if (!cluster) throw new Error('the simulated cluster is not started yet');
      return cluster;
    },
    track<T extends { close(): void }>(client: T): T {
      open.push(client);
      return client;
    },
  };
}

/**
 * Two instances of the app in this process, sharing one database, presence store and bus hub, behind a front
 * server that spreads connections over them as a load balancer with sticky sessions would: each new socket.io
 * session and each raw WebSocket goes to the next instance, later requests of a session to the one holding it,
 * REST calls to the first. With TEST_CLUSTER=1 every end-to-end test runs against this instead of one app.
 */
export async function startSimulatedCluster(options: TestingAppOptions = {}): Promise<SimulatedCluster> {
  const db = usingPostgres() ? await freshDatabase() : sqliteFile();
  const hub = new BusHub();
  const presence = new InMemoryPresenceStore();
  const instances: TestServer[] = [];
  for (let i = 0; i < 2; i++) {
    instances.push(
      await startTestingApp({
        ...options,
        databaseUrl: db.url,
        customize: (builder) => {
          const customized = builder
            .overrideProvider(DeliveryBus)
            .useValue(hub.bus())
            .overrideProvider(PresenceStore)
            .useValue(presence);
          return options.customize ? options.customize(customized) : customized;
        },
      }),
    );
  }
  const front = await listen(routeAcross(instances));
  const url = `http://127.0.0.1:${(front.address() as { port: number }).port}`;
  return {
    app: instances[0].app,
    url,
    api: new Api(url),
    instances,
    hub,
    close: async () => {
      front.closeAllConnections();
      await new Promise((resolve) => front.close(resolve));
      for (const instance of instances) await instance.close();
      await db.drop();
    },
  };
}

function routeAcross(instances: TestServer[]): Server {
  let next = 0;
  const roundRobin = () => instances[next++ % instances.length];
  const pick = (request: IncomingMessage): TestServer => {
    const url = new URL(request.url ?? '/', 'http://front');
    if (!url.pathname.startsWith('/socket.io/')) return request.headers.upgrade ? roundRobin() : instances[0];
    const sid = url.searchParams.get('sid');
    if (!sid) return roundRobin();
    // The socket.io server of each instance is the lobby gateway's; its engine knows the sessions it holds.
    return (
      instances.find(
        (instance) => (instance.app.get(LobbyGateway) as unknown as EngineHolder).server.engine.clients[sid],
      ) ?? instances[0]
    );
  };
  const front = createServer((request, response) =>
    pick(request).app.getHttpServer().emit('request', request, response),
  );
  front.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
    pick(request).app.getHttpServer().emit('upgrade', request, socket, head),
  );
  return front;
}

interface EngineHolder {
  server: { engine: { clients: Record<string, unknown> } };
}

function sqliteFile() {
  const path = join(tmpdir(), `chatgate-cluster-${process.pid}-${randomBytes(4).toString('hex')}.sqlite`);
  return {
    url: `sqlite:${path}`,
    drop: async () => ['', '-wal', '-shm'].forEach((suffix) => rmSync(path + suffix, { force: true })),
  };
}

function listen(server: Server): Promise<Server> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
