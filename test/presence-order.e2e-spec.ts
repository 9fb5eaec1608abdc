import { describe, expect, it } from 'vitest';
import { LobbyClient } from './support/lobby-client.js';
import { createSeller, SellerClient } from './support/seller-client.js';
import { uniqueUname } from './support/server.js';
import { useSimulatedCluster } from './support/simulated-cluster.js';

/**
 * A user's tab opens on one instance as its last other tab closes on another, and the bus carries the close late
 * (the hub holds it): the instance that announced the new tab has already delivered it when the older close arrives.
 * The older change is dropped there (PresenceOrder, docs/deployment.md "Order across instances"), so no widget is
 * left showing an online user away; the other instance, which had them in order, delivers both.
 */
describe('presence changes of one user made on two instances, arriving out of order', () => {
  const env = useSimulatedCluster();
  const url = (instance: number) => env.cluster.instances[instance].url;
  const track = <T extends { close(): void }>(client: T) => env.track(client);
  /** Everything each instance published has been handed over, then each client's own marker came back. */
  async function synced(...clients: { sync(): Promise<void> }[]) {
    await env.cluster.hub.delivered();
    await Promise.all(clients.map((client) => client.sync()));
  }

  it('lobby: a reader is not told that a member who came back left', async () => {
    const { api, hub } = env.cluster;
    const appId = await api.createApp();
    const user = await api.createUser(uniqueUname('mover'));
    const member = { id: user.id, uname: user.uname, role: 'member' };
    const near = track(await LobbyClient.join(url(0), appId));
    const far = track(await LobbyClient.join(url(1), appId));
    const firstTab = track(await LobbyClient.join(url(1), appId, user.hashedToken));
    await near.waitFor('user_joined');

    hub.pause();
    firstTab.close();
    expect(await far.waitFor('user_left')).toEqual([member]);
    track(await LobbyClient.join(url(0), appId, user.hashedToken));
    expect(await near.waitFor('user_joined', 2)).toEqual([member, member]);
    hub.flush();
    await synced(near, far);

    const presence = (client: LobbyClient) =>
      client.events().filter(([event]) => event === 'user_joined' || event === 'user_left');
    expect(presence(near)).toEqual([
      ['user_joined', member],
      ['user_joined', member],
    ]);
    expect(presence(far)).toEqual([
      ['user_joined', member],
      ['user_left', member],
      ['user_joined', member],
    ]);
  });

  it('seller chat: a client is not told that a seller who came back went offline', async () => {
    const { api, hub } = env.cluster;
    const seller = await createSeller(api, 'Moving shop');
    const firstTab = track(await SellerClient.connect(url(1)));
    await firstTab.request('auth', { id: seller.id, token: seller.token });
    const near = track(await SellerClient.connect(url(0)));
    const [nearAuth] = await near.request('auth', { name: 'near', sellerId: seller.id }, 2);
    const far = track(await SellerClient.connect(url(1)));
    const [farAuth] = await far.request('auth', { name: 'far', sellerId: seller.id }, 2);
    const status = (auth: { data: { chats: object } }, online: boolean) => ({
      command: 'status',
      data: { chatId: Number(Object.keys(auth.data.chats)[0]), status: online },
    });

    hub.pause();
    firstTab.close();
    expect(await far.waitFor('status', 2)).toEqual([status(farAuth, true), status(farAuth, false)]);
    const secondTab = track(await SellerClient.connect(url(0)));
    await secondTab.request('auth', { id: seller.id, token: seller.token });
    expect(await near.waitFor('status', 2)).toEqual([status(nearAuth, true), status(nearAuth, true)]);
    hub.flush();
    await synced(near, far);

    expect(near.of('status')).toEqual([status(nearAuth, true), status(nearAuth, true)]);
    expect(far.of('status')).toEqual([status(farAuth, true), status(farAuth, false), status(farAuth, true)]);
  });
});
