import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LobbyClient, settle } from './support/lobby-client.js';
import { startServer, type TestServer, uniqueUname } from './support/server.js';

describe('lobby presence (protocols.md §1.2)', () => {
  let server: TestServer;
  const clients: LobbyClient[] = [];
  const join = async (appId: number, hashedToken?: string) => {
    const client = await LobbyClient.connect(server.url);
    clients.push(client);
    const [error, data] = await client.auth(hashedToken ? { app_id: appId, hashed_token: hashedToken } : { app_id: appId });
    expect(error).toBeNull();
    return { client, data: data as any };
  };

  beforeAll(async () => {
    server = await startServer();
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(() => server.close());

  it("announces a user's first socket to the others only, and their last socket leaving", async () => {
    const appId = await server.api.createApp();
    const alice = await server.api.createUser(uniqueUname('alice'));
    const bob = await server.api.createUser(uniqueUname('bob'));
    const aliceMember = { id: alice.id, uname: alice.uname, role: 'member' };
    const bobMember = { id: bob.id, uname: bob.uname, role: 'member' };

    const { client: watcher } = await join(appId, alice.hashedToken);
    const bobTab1 = await join(appId, bob.hashedToken);
    expect(bobTab1.data.room.users).toEqual({ [alice.uname]: aliceMember, [bob.uname]: bobMember });
    expect(await watcher.waitFor('user_joined')).toEqual([bobMember]);

    const bobTab2 = await join(appId, bob.hashedToken);
    expect(bobTab2.data.room.users).toEqual({ [alice.uname]: aliceMember, [bob.uname]: bobMember });
    bobTab1.client.close();
    await settle();
    expect(watcher.events('user_joined')).toHaveLength(1);
    expect(watcher.events('user_left')).toEqual([]);

    bobTab2.client.close();
    expect(await watcher.waitFor('user_left')).toEqual([bobMember]);
    await settle();
    expect(watcher.received).toEqual([
      ['user_joined', bobMember],
      ['user_left', bobMember],
    ]);
    expect(bobTab1.client.events('user_joined')).toEqual([]);
  });

  it('lists no anonymous readers and announces none', async () => {
    const appId = await server.api.createApp();
    const alice = await server.api.createUser(uniqueUname('alice'));
    const { client: watcher } = await join(appId, alice.hashedToken);
    const anon = await join(appId);
    expect(Object.keys(anon.data.room.users)).toEqual([alice.uname]);
    anon.client.close();
    await settle();
    expect(watcher.received).toEqual([]);
  });

  it('keeps presence per lobby', async () => {
    const appA = await server.api.createApp();
    const appB = await server.api.createApp();
    const carol = await server.api.createUser(uniqueUname('carol'));
    const { client: watcherB } = await join(appB);
    const inA = await join(appA, carol.hashedToken);
    const inB = await join(appB);
    expect(Object.keys(inA.data.room.users)).toEqual([carol.uname]);
    expect(inB.data.room.users).toEqual({});
    inA.client.close();
    await settle();
    expect(watcherB.received).toEqual([]);
  });

  it('lets the same user be present in two lobbies independently', async () => {
    const appA = await server.api.createApp();
    const appB = await server.api.createApp();
    const dave = await server.api.createUser(uniqueUname('dave'));
    const member = { id: dave.id, uname: dave.uname, role: 'member' };
    const { client: watcherA } = await join(appA);
    const inA = await join(appA, dave.hashedToken);
    const inB = await join(appB, dave.hashedToken);
    expect(inB.data.room.users).toEqual({ [dave.uname]: member });
    expect(await watcherA.waitFor('user_joined')).toEqual([member]);
    inA.client.close();
    expect(await watcherA.waitFor('user_left')).toEqual([member]);
    const later = await join(appB);
    expect(later.data.room.users).toEqual({ [dave.uname]: member });
  });
});
