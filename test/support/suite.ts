import { afterAll, afterEach, beforeAll } from 'vitest';
import type WebSocket from 'ws';
import { LobbyClient } from './lobby-client.js';
import { SellerClient } from './seller-client.js';
import { startServer, type TestServer } from './server.js';
import type { SimulatedCluster } from './simulated-cluster.js';
import { startTestingApp } from './testing-app.js';

/**
 * One server for a describe block, started before its tests and closed after them, and the sockets its tests
 * open, closed after each test. `env` may be a function when it depends on something started earlier.
 * `singleInstance` keeps it one instance under TEST_CLUSTER too, for tests of per-instance state (the in-memory
 * limiters).
 */
export function useTestServer(
  env: Record<string, string> | (() => Record<string, string>) = {},
  { singleInstance = false } = {},
) {
  let server: TestServer | undefined;
  const open: { close(): void }[] = [];
  const track = <T extends { close(): void }>(client: T): T => {
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    const values = typeof env === 'function' ? env() : env;
    server = singleInstance ? await startTestingApp({ env: values }) : await startServer(values);
  });
  afterEach(() => open.splice(0).forEach((client) => client.close()));
  afterAll(() => server?.close());

  const suite = {
    get server(): TestServer {
      if (!server) throw new Error('the test server is not started yet');
      return server;
    },
    get api() {
      return suite.server.api;
    },
    lobbyClient: async (transports?: ('polling' | 'websocket')[]) =>
      track(await LobbyClient.connect(suite.server.url, transports)),
    /** A lobby socket that authenticated successfully; `data` is its auth payload. */
    joinLobby: async (appId: number, hashedToken?: string) =>
      track(await LobbyClient.join(suite.server.url, appId, hashedToken)),
    sellerClient: async (path?: string, options?: WebSocket.ClientOptions) =>
      track(await SellerClient.connect(suite.server.url, path, options)),
    /**
     * Resolves once each client has received everything the server side has sent it by now, for proving absence:
     * under TEST_CLUSTER, remote deliveries already published reach their instance first (the bus hub's marker),
     * then each client's own marker (`sync`) comes back on its connection. Call it once what the action publishes
     * is out (its reply received); then "nothing else arrived" means nothing else was sent.
     */
    sync: (...clients: Syncable[]) => syncClients(suite.server, ...clients),
  };
  return suite;
}

type Syncable = { sync(): Promise<void> };

/** `useTestServer`'s `sync`, for a server a test started itself. */
export async function syncClients(server: TestServer, ...clients: Syncable[]): Promise<void> {
  await (server as Partial<SimulatedCluster>).hub?.delivered();
  await Promise.all(clients.map((client) => client.sync()));
}
