import ioV2 from 'socket.io-client-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LobbyClient } from './support/lobby-client.js';
import { startServer, type TestServer, uniqueUname } from './support/server.js';

describe('lobby with socket.io-client 2.x (EIO3), as older widgets embed it', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it.each([['polling'], ['websocket']])('authenticates and posts over %s', async (transport) => {
    const appId = await server.api.createApp();
    const user = await server.api.createUser(uniqueUname('legacy'));
    const modern = await LobbyClient.connect(server.url);
    await modern.auth({ app_id: appId });

    const socket = ioV2(server.url, { transports: [transport], forceNew: true, reconnection: false });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      const member = { id: user.id, uname: user.uname, role: 'member' };
      const authReply = await new Promise<unknown[]>((resolve) =>
        socket.emit('auth', { app_id: appId, hashed_token: user.hashedToken }, (...args: unknown[]) => resolve(args)),
      );
      expect(authReply).toEqual([
        null,
        { user: member, room: { users: { [user.uname]: member }, history: [], muteList: {}, slowMode: 0 } },
      ]);

      const echoed = new Promise((resolve) => socket.once('new_message', resolve));
      const ack = await new Promise<unknown[]>((resolve) =>
        socket.emit('new_message', 'from an old widget', (...args: unknown[]) => resolve(args)),
      );
      expect(ack).toEqual([]);
      const message = {
        id: expect.any(Number),
        user: { uname: user.uname, role: 'member' },
        text: 'from an old widget',
      };
      expect(await echoed).toEqual(message);
      expect(await modern.waitFor('new_message')).toEqual([message]);
      expect(socket.io.engine.transport.name).toBe(transport);
    } finally {
      socket.close();
      modern.close();
    }
  });
});
