import { Module } from '@nestjs/common';
import { type OnGatewayDisconnect, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LobbyClient } from './support/lobby-client.js';
import { uniqueUname, type TestServer } from './support/server.js';
import { startTestingApp } from './support/testing-app.js';
import { until } from './support/until.js';

/** A gateway in a namespace of its own, only to reach the app's socket.io server. */
@WebSocketGateway({ namespace: '/probe' })
class ProbeGateway {
  @WebSocketServer() namespace!: Namespace;
}

/** A user's gateway sharing the lobby's namespace, with Nest's own disconnect hook. */
@WebSocketGateway()
class DisconnectWatchGateway implements OnGatewayDisconnect<Socket> {
  readonly disconnected: string[] = [];

  handleDisconnect(socket: Socket): void {
    this.disconnected.push(socket.id);
  }
}

@Module({ providers: [ProbeGateway] })
class ProbeModule {}

@Module({ providers: [ProbeGateway, DisconnectWatchGateway] })
class SharedNamespaceModule {}

/** A member who joined the lobby, and the lobby socket the server holds for them. */
async function joinAsMember(server: TestServer, appId: number) {
  const user = await server.api.createUser(uniqueUname('member'));
  const client = await LobbyClient.join(server.url, appId, user.hashedToken);
  const lobbySockets = server.app.get(ProbeGateway).namespace.server.of('/').sockets;
  const socket = lobbySockets.get(client.socket.id!)!;
  return { user, client, socket };
}

describe("the lobby's disconnects, off Nest's per-socket hook", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestingApp({ imports: [ProbeModule] });
  });
  afterAll(() => server?.close());

  it('keeps no listener of its own on a socket: every lobby socket shares the same two', async () => {
    const appId = await server.api.createApp();
    const first = await joinAsMember(server, appId);
    const second = await joinAsMember(server, appId);
    try {
      const listeners = first.socket.listeners('disconnect');
      // The connection core's and the lobby's sign-out; Nest's hook would be a third, a closure per socket.
      expect(listeners).toHaveLength(2);
      const others = second.socket.listeners('disconnect');
      expect(others).toHaveLength(2);
      expect(others.every((listener, i) => listener === listeners[i])).toBe(true);

      second.client.close();
      expect(await first.client.waitFor('user_left')).toEqual([
        { id: second.user.id, uname: second.user.uname, role: 'member' },
      ]);
    } finally {
      first.client.close();
      second.client.close();
    }
  });
});

describe("a user's gateway sharing the lobby's namespace", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestingApp({ imports: [SharedNamespaceModule] });
  });
  afterAll(() => server?.close());

  it('still has its handleDisconnect called, once per socket, while the lobby signs the member out', async () => {
    const appId = await server.api.createApp();
    const watcher = await joinAsMember(server, appId);
    const leaving = await joinAsMember(server, appId);
    try {
      const leavingId = leaving.socket.id;
      leaving.client.close();
      expect(await watcher.client.waitFor('user_left')).toEqual([
        { id: leaving.user.id, uname: leaving.user.uname, role: 'member' },
      ]);
      const gateway = server.app.get(DisconnectWatchGateway);
      await until(() => gateway.disconnected.length > 0, { what: "the watching gateway's handleDisconnect" });
      expect(gateway.disconnected).toEqual([leavingId]);
    } finally {
      watcher.client.close();
      leaving.client.close();
    }
  });
});
