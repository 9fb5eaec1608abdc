import { afterAll, afterEach, beforeAll } from 'vitest';
import type WebSocket from 'ws';
import { LobbyClient } from './lobby-client.js';
import { SellerClient } from './seller-client.js';
import { startServer, type TestServer } from './server.js';

/**
 * One server for a describe block, started before its tests and closed after them, and the sockets its tests
 * open, closed after each test. `env` may be a function when it depends on something started earlier.
 */
export function useTestServer(
  env: Record<string, string> | (() => Record<string, string>) = {},
  /** How the server starts: one app, or (TEST_CLUSTER=1) a simulated cluster. A bound kept per instance wants one. */
  start: (env: Record<string, string>) => Promise<TestServer> = startServer,
) {
  let server: TestServer | undefined;
  const open: { close(): void }[] = [];
  const track = <T extends { close(): void }>(client: T): T => {
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await start(typeof env === 'function' ? env() : env);
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
    lobbyClient: async (transports?: ('polling' | 'websocket')[]) => track(await LobbyClient.connect(suite.server.url, transports)),
    /** A lobby socket that authenticated successfully; `data` is its auth payload. */
    joinLobby: async (appId: number, hashedToken?: string) => track(await LobbyClient.join(suite.server.url, appId, hashedToken)),
    sellerClient: async (path?: string, options?: WebSocket.ClientOptions) =>
      track(await SellerClient.connect(suite.server.url, path, options)),
  };
  return suite;
}
