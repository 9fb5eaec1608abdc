import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LobbyClient } from './support/lobby-client.js';
import type { TestServer } from './support/server.js';
import { startTestingApp } from './support/testing-app.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const SITE = 'https://site.example';

/** Whether each object is gone after full collections: a WeakRef left unread is what a leak looks like. */
async function collected(refs: WeakRef<object>[]): Promise<boolean[]> {
  for (let i = 0; i < 3; i++) {
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return refs.map((ref) => ref.deref() === undefined);
}

describe('an open lobby socket keeps neither its handshake request nor its headers', () => {
  let server: TestServer;
  /** The request of each new session (WebSocket upgrade or polling handshake) and its headers, weakly. */
  const handshakes: WeakRef<object>[][] = [];
  let appId: number;

  beforeAll(async () => {
    server = await startTestingApp({
      env: { CORS_ORIGINS: SITE },
      handshakeChecks: [
        (request: IncomingMessage) => {
          handshakes.push([new WeakRef(request), new WeakRef(request.headers)]);
          return null;
        },
      ],
    });
    const created = await server.api.post('/api/apps', { name: 'Held', owners: [], origins: [SITE] });
    appId = (created.body as { id: number }).id;
  });
  afterAll(() => server?.close());

  it.each([['websocket'], ['polling', 'websocket']] as ('polling' | 'websocket')[][])(
    'opened over %s, and authenticated by the Origin the app lists',
    async (...transports) => {
      const client = await LobbyClient.connect(server.url, transports, { extraHeaders: { origin: SITE } });
      try {
        const [error] = await client.auth({ app_id: appId });
        expect(error).toBeNull();
        const { engine } = client.socket.io;
        if (engine.transport.name !== 'websocket') await new Promise((resolve) => engine.once('upgrade', resolve));
        const [request, headers] = handshakes.at(-1)!;
        expect(await collected([request, headers])).toEqual([true, true]);
        expect(client.socket.connected).toBe(true);
      } finally {
        client.close();
      }
    },
  );
});
