import { describe, expect, it } from 'vitest';
import { LobbyClient } from './support/lobby-client.js';
import { createSeller, SellerClient } from './support/seller-client.js';
import { uniqueUname } from './support/server.js';
import { useSimulatedCluster } from './support/simulated-cluster.js';

/** Revocations made through one instance reach connections held by the other (the bus joins them). */
describe('revoking credentials reaches live connections on every instance', () => {
  const env = useSimulatedCluster();

  const urlOf = (i: number) => env.cluster.instances[i].url;
  const apiOf = (i: number) => env.cluster.instances[i].api;
  async function lobby(instance: number, appId: number, hashedToken?: string) {
    const client = await LobbyClient.connect(urlOf(instance));
    env.track(client);
    const [error, data] = await client.auth({ app_id: appId, ...(hashedToken ? { hashed_token: hashedToken } : {}) });
    expect(error).toBeNull();
    return Object.assign(client, { data: data as any });
  }
  const disconnected = (client: LobbyClient) => new Promise((resolve) => client.socket.once('disconnect', resolve));

  it('disconnects the sockets of a revoked lobby token, and only those', async () => {
    const appId = await apiOf(0).createApp();
    const user = await apiOf(0).createUser(uniqueUname('revoked'));
    const second = (await apiOf(0).post(`/api/users/${user.uname}/tokens`)).body.hashed_token;
    const withRevoked = await lobby(1, appId, user.hashedToken);
    const withKept = await lobby(1, appId, second);
    const gone = disconnected(withRevoked);
    expect((await apiOf(0).delete(`/api/users/${user.uname}/tokens/${user.hashedToken}`)).body).toEqual({ revoked: 1 });
    expect(await gone).toBe('io server disconnect');
    expect(await withKept.say('still mine')).toEqual([]);

    const again = await lobby(0, appId, user.hashedToken);
    expect(again.data.user).toBeUndefined();
  });

  it('disconnects the sockets of a user whose role changed; their next auth has the new role', async () => {
    const appId = await apiOf(0).createApp();
    const admin = await apiOf(0).createUser(uniqueUname('demoted'), 'admin');
    const socket = await lobby(1, appId, admin.hashedToken);
    expect(socket.data.user.role).toBe('admin');
    const gone = disconnected(socket);
    expect((await apiOf(0).patch(`/api/users/${admin.uname}`, { role: 'member' })).status).toBe(200);
    expect(await gone).toBe('io server disconnect');
    expect((await lobby(0, appId, admin.hashedToken)).data.user).toEqual({
      id: admin.id,
      uname: admin.uname,
      role: 'member',
    });
  });

  it("closes a seller's connections when its token is rotated; the old token no longer signs in", async () => {
    const seller = await createSeller(apiOf(0), 'Rotated');
    const tab = await SellerClient.connect(urlOf(1));
    env.track(tab);
    await tab.request('auth', { id: seller.id, token: seller.token });
    const rotated = await apiOf(0).post(`/api/sellers/${seller.id}/tokens`);
    expect(await tab.waitForClose()).toBe(1008);

    const control = await SellerClient.connect(urlOf(1));
    env.track(control);
    const old = { id: seller.id, token: seller.token };
    expect(await control.request('auth', old)).toEqual([{ command: 'auth', data: old, error: 'USER_NOT_FOUND' }]);
    expect(await control.request('auth', { id: seller.id, token: rotated.body.token })).toEqual([
      { command: 'auth', data: { name: 'Rotated', chats: {} } },
    ]);
  });
});
