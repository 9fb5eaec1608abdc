import { describe, expect, it } from 'vitest';
import { openConnections } from './support/metrics.js';
import { uniqueUname } from './support/server.js';
import { useTestServer } from './support/suite.js';
import { until } from './support/until.js';

describe('lobby presence (protocols.md §1.2)', () => {
  const suite = useTestServer();
  const join = suite.joinLobby;

  it("announces a user's first socket to the others only, and their last socket leaving", async () => {
    const appId = await suite.api.createApp();
    const alice = await suite.api.createUser(uniqueUname('alice'));
    const bob = await suite.api.createUser(uniqueUname('bob'));
    const aliceMember = { id: alice.id, uname: alice.uname, role: 'member' };
    const bobMember = { id: bob.id, uname: bob.uname, role: 'member' };

    const watcher = await join(appId, alice.hashedToken);
    const bobTab1 = await join(appId, bob.hashedToken);
    expect(bobTab1.data.room.users).toEqual({ [alice.uname]: aliceMember, [bob.uname]: bobMember });
    expect(await watcher.waitFor('user_joined')).toEqual([bobMember]);

    const bobTab2 = await join(appId, bob.hashedToken);
    expect(bobTab2.data.room.users).toEqual({ [alice.uname]: aliceMember, [bob.uname]: bobMember });
    // Closing one of bob's two tabs announces nothing. Presence decides which close is the last, so a user_left
    // published for the other one would be published before the last one's: the marker after it finds it.
    bobTab1.close();
    bobTab2.close();
    expect(await watcher.waitFor('user_left')).toEqual([bobMember]);
    await suite.sync(watcher);
    expect(watcher.received).toEqual([
      ['user_joined', bobMember],
      ['user_left', bobMember],
    ]);
    expect(bobTab1.events('user_joined')).toEqual([]);
  });

  it('lists no anonymous readers and announces none', async () => {
    const appId = await suite.api.createApp();
    const alice = await suite.api.createUser(uniqueUname('alice'));
    const bob = await suite.api.createUser(uniqueUname('bob'));
    const bobMember = { id: bob.id, uname: bob.uname, role: 'member' };
    const watcher = await join(appId, alice.hashedToken);
    const anon = await join(appId);
    expect(Object.keys(anon.data.room.users)).toEqual([alice.uname]);
    anon.close();
    // Once the server has handled the close (the watcher is the only lobby socket left), a member's arrival is the
    // marker: whatever that close set going through presence and the bus is published before bob's user_joined.
    await until(async () => (await openConnections(suite.server, 'lobby')) === 1, {
      what: "the anonymous reader's close handled",
    });
    await join(appId, bob.hashedToken);
    expect(await watcher.waitFor('user_joined')).toEqual([bobMember]);
    await suite.sync(watcher);
    expect(watcher.received).toEqual([['user_joined', bobMember]]);
  });

  it('keeps presence per lobby', async () => {
    const appA = await suite.api.createApp();
    const appB = await suite.api.createApp();
    const carol = await suite.api.createUser(uniqueUname('carol'));
    const watcherA = await join(appA);
    const watcherB = await join(appB);
    const inA = await join(appA, carol.hashedToken);
    const inB = await join(appB);
    expect(Object.keys(inA.data.room.users)).toEqual([carol.uname]);
    expect(inB.data.room.users).toEqual({});
    inA.close();
    // Heard in carol's lobby, so published: a delivery to the other lobby would be out before the marker.
    await watcherA.waitFor('user_left');
    await suite.sync(watcherB);
    expect(watcherB.received).toEqual([]);
  });

  it('lets the same user be present in two lobbies independently', async () => {
    const appA = await suite.api.createApp();
    const appB = await suite.api.createApp();
    const dave = await suite.api.createUser(uniqueUname('dave'));
    const member = { id: dave.id, uname: dave.uname, role: 'member' };
    const watcherA = await join(appA);
    const inA = await join(appA, dave.hashedToken);
    const inB = await join(appB, dave.hashedToken);
    expect(inB.data.room.users).toEqual({ [dave.uname]: member });
    expect(await watcherA.waitFor('user_joined')).toEqual([member]);
    inA.close();
    expect(await watcherA.waitFor('user_left')).toEqual([member]);
    const later = await join(appB);
    expect(later.data.room.users).toEqual({ [dave.uname]: member });
  });
});
