import { describe, expect, it } from 'vitest';
import { useClusterProcesses } from '../support/cluster-processes.js';
import { LobbyClient } from '../support/lobby-client.js';
import { createSeller } from '../support/seller-client.js';
import { uniqueUname } from '../support/server.js';

/** Deletes asked of instance 0 close the connections instance 1 holds, through Redis (docs/rest-api.md). */
describe('deleting apps, users and sellers across two instances on PostgreSQL and Redis', () => {
  const cluster = useClusterProcesses(2);
  const { lobbyOn, sellerOn } = cluster;
  const disconnected = (client: LobbyClient) => new Promise((resolve) => client.socket.once('disconnect', resolve));

  it("disconnects a deleted app's lobby on the other instance, and no other lobby", async () => {
    const appId = await cluster.api.createApp();
    const otherApp = await cluster.api.createApp();
    const member = await cluster.api.createUser(uniqueUname('member'));
    const closed = [await lobbyOn(1, appId, member.hashedToken), await lobbyOn(1, appId)].map(disconnected);
    const elsewhere = await lobbyOn(1, otherApp, member.hashedToken);

    expect((await cluster.api.delete(`/api/apps/${appId}`)).status).toBe(204);

    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
    expect(await elsewhere.say('still here')).toEqual([]);
    const again = await LobbyClient.connect(cluster.instances[1].url);
    cluster.track(again);
    again.socket.emit('auth', { app_id: appId }, () => {});
    expect(await again.waitFor('client_error')).toEqual(['no app found with the app_id you sent to `auth` event']);
  });

  it("closes a deleted user's lobby sockets and a deleted seller's connections on the other instance", async () => {
    const appId = await cluster.api.createApp();
    const user = await cluster.api.createUser(uniqueUname('leaving'));
    const gone = disconnected(await lobbyOn(1, appId, user.hashedToken));
    expect((await cluster.api.delete(`/api/users/${user.uname}`)).status).toBe(204);
    expect(await gone).toBe('io server disconnect');
    expect((await lobbyOn(1, appId, user.hashedToken)).data.user).toBeUndefined();

    const seller = await createSeller(cluster.api, 'Leaving');
    const sellerTab = await sellerOn(1);
    await sellerTab.request('auth', { id: seller.id, token: seller.token });
    const clientTab = await sellerOn(1);
    await clientTab.request('auth', { name: 'Kim', sellerId: seller.id }, 2);
    expect((await cluster.api.delete(`/api/sellers/${seller.id}`)).status).toBe(204);
    expect(await sellerTab.waitForClose()).toBe(1008);
    expect(await clientTab.waitForClose()).toBe(1008);
    const old = { id: seller.id, token: seller.token };
    expect(await (await sellerOn(1)).request('auth', old)).toEqual([
      { command: 'auth', data: old, error: 'USER_NOT_FOUND' },
    ]);
  });
});
