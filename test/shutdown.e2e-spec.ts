import { connect, type Socket as TcpSocket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from './support/database.js';
import { LobbyClient } from './support/lobby-client.js';
import { createSeller, SellerClient } from './support/seller-client.js';
import { Api, ADMIN_TOKEN } from './support/server.js';
import { spawnServer } from './support/server-process.js';

describe('SIGTERM', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(() => db?.drop());

  it('closes every connection (seller chat: 1001), stalled readers and slowloris included, and exits', async () => {
    // The in-memory SQLite of a spawned process is its own; PostgreSQL runs on the test's database.
    const server = await spawnServer({ DATABASE_URL: db.url, ADMIN_TOKEN });
    const clients: { close(): void }[] = [];
    let exited = false;
    const exit = new Promise<object>((resolve) =>
      server.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      const api = new Api(server.url);
      const appId = await api.createApp();
      const user = await api.createUser('stays');
      const seller = await createSeller(api, 'Shop');

      const lobby = await LobbyClient.connect(server.url);
      clients.push(lobby);
      await lobby.auth({ app_id: appId, hashed_token: user.hashedToken });
      const stalledLobby = await LobbyClient.connect(server.url);
      clients.push(stalledLobby);
      await stalledLobby.auth({ app_id: appId });
      (stalledLobby.socket.io.engine.transport as unknown as { ws: { _socket: TcpSocket } }).ws._socket.pause();
      const tab = await SellerClient.connect(server.url);
      clients.push(tab);
      await tab.request('auth', { id: seller.id, token: seller.token });
      const stalledTab = await SellerClient.connect(server.url);
      clients.push(stalledTab);
      (stalledTab.socket as unknown as { _socket: TcpSocket })._socket.pause();
      const slowloris = connect(Number(new URL(server.url).port), '127.0.0.1');
      clients.push({ close: () => slowloris.destroy() });
      await new Promise((resolve) => slowloris.once('connect', resolve));
      slowloris.write('GET / HTTP/1.1\r\nHost: x\r\n');

      const lobbyGone = new Promise((resolve) => lobby.socket.once('disconnect', resolve));
      server.child.kill('SIGTERM');
      expect(await tab.waitForClose()).toBe(1001);
      expect(await lobbyGone).toBe('transport close');
      // Bounded by the 10 s the issue allows, not asserted as a speed.
      const code = await Promise.race([
        exit,
        new Promise((resolve) => setTimeout(() => resolve('still running'), 10_000)),
      ]);
      exited = code !== 'still running';
      // Nest, done shutting down, re-raises the signal it handled.
      expect(code).toEqual({ code: null, signal: 'SIGTERM' });
    } finally {
      clients.forEach((client) => client.close());
      if (!exited) server.child.kill('SIGKILL');
      await exit;
    }
  });
});
