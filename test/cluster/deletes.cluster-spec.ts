import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterProcesses, startClusterProcesses } from '../support/cluster-processes.js';
import { LobbyClient } from '../support/lobby-client.js';
import { createSeller, SellerClient } from '../support/seller-client.js';
import { uniqueUname } from '../support/server.js';

/** Deletes asked of instance 0 close the connections instance 1 holds, through Redis (docs/rest-api.md). */
describe('deleting apps, users and sellers across two instances on PostgreSQL and Redis', () => {
  let cluster: ClusterProcesses;
  const open: { close(): void }[] = [];
  const lobbyOn = async (i: number, appId: number, hashedToken?: string) => {
    const client = await LobbyClient.join(cluster.instances[i].url, appId, hashedToken);
    open.push(client);
    return client;
  };
  const sellerOn = async (i: number) => {
    const client = await SellerClient.connect(cluster.instances[i].url);
    open.push(client);
    return client;
  };
  const disconnected = (client: LobbyClient) => new Promise((resolve) => client.socket.once('disconnect', resolve));

  beforeAll(async () => {
    cluster = await startClusterProcesses(2);
  });
  afterEach(() => open.splice(0).forEach((client) => client.close()));
  afterAll(async () => {
    await cluster?.close();
  });

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
    open.push(again);
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
