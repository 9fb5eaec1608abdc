import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LobbyClient } from './support/lobby-client.js';
import { createSeller, SellerClient } from './support/seller-client.js';
import { uniqueUname } from './support/server.js';
import { type SimulatedCluster, startSimulatedCluster } from './support/simulated-cluster.js';
import { syncClients } from './support/suite.js';

/**
 * Two instances whose bus delivers remotely after a delay the test controls (hub.pause / hub.flush): a remote
 * delivery arriving after a connection's auth reply already holds what it announces is dropped for that
 * connection, and only for it.
 */
describe('late remote deliveries after an auth reply', () => {
  let cluster: SimulatedCluster;
  let a: string;
  let b: string;
  const open: { close(): void }[] = [];
  const track = <T extends { close(): void }>(client: T) => (open.push(client), client);

  beforeAll(async () => {
    cluster = await startSimulatedCluster();
    [a, b] = cluster.instances.map((instance) => instance.url);
  });
  afterAll(async () => {
    open.forEach((client) => client.close());
    cluster.hub.flush();
    await cluster.close();
  });

  it('never gives a just-authenticated seller tab a message its history already holds', async () => {
    const seller = await createSeller(cluster.api, 'Split');
    const oldTab = track(await SellerClient.connect(a));
    await oldTab.request('auth', { id: seller.id, token: seller.token });
    const client = track(await SellerClient.connect(b));
    const [auth] = await client.request('auth', { name: 'Lin', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    await oldTab.waitFor('status');

    cluster.hub.pause();
    const [ack] = await client.request('message', { text: 'first', clientDate: 1, chatId });
    const newTab = track(await SellerClient.connect(a));
    const [newAuth] = await newTab.request('auth', { id: seller.id, token: seller.token });
    expect(newAuth.data.chats[chatId].messages).toEqual([{ id: ack.data.id, text: 'first', date: ack.data.date }]);
    cluster.hub.flush();

    const first = { id: ack.data.id, text: 'first', date: ack.data.date, chatId };
    expect(await oldTab.waitFor('message')).toEqual([{ command: 'message', data: first }]);
    await syncClients(cluster, newTab);
    expect(newTab.frames).toEqual([newAuth]);

    const [second] = await client.request('message', { text: 'second', clientDate: 2, chatId });
    const secondPush = {
      command: 'message',
      data: { id: second.data.id, text: 'second', date: second.data.date, chatId },
    };
    expect(await newTab.waitFor('message')).toEqual([secondPush]);
    expect(await oldTab.waitFor('message', 2)).toEqual([{ command: 'message', data: first }, secondPush]);
    await syncClients(cluster, newTab);
    expect(newTab.of('message')).toHaveLength(1);
  });

  it('never gives a just-authenticated lobby socket a message or a join its auth reply already holds', async () => {
    const appId = await cluster.api.createApp();
    const ann = await cluster.api.createUser(uniqueUname('ann'));
    const ben = await cluster.api.createUser(uniqueUname('ben'));
    const early = track(await LobbyClient.connect(a));
    await early.auth({ app_id: appId });
    const speaker = track(await LobbyClient.connect(b));
    await speaker.auth({ app_id: appId, hashed_token: ann.hashedToken });
    await early.waitFor('user_joined');

    cluster.hub.pause();
    expect(await speaker.say('before you came')).toEqual([]);
    const late = track(await LobbyClient.connect(b));
    await late.auth({ app_id: appId, hashed_token: ben.hashedToken });
    const reader = track(await LobbyClient.connect(a));
    const [, welcome] = (await reader.auth({ app_id: appId })) as [null, any];
    expect(welcome.room.history.map((m: { text: string }) => m.text)).toEqual(['before you came']);
    expect(Object.keys(welcome.room.users).sort()).toEqual([ann.uname, ben.uname].sort());
    cluster.hub.flush();

    const message = welcome.room.history[0];
    expect(await early.waitFor('new_message')).toEqual([message]);
    expect(await early.waitFor('user_joined', 2)).toEqual([
      { id: ann.id, uname: ann.uname, role: 'member' },
      { id: ben.id, uname: ben.uname, role: 'member' },
    ]);
    await syncClients(cluster, reader);
    expect(reader.received).toEqual([]);

    expect(await speaker.say('after')).toEqual([]);
    const [after] = (await reader.waitFor('new_message')) as object[];
    expect(after).toEqual({ id: message.id + 1, user: { uname: ann.uname, role: 'member' }, text: 'after' });
    late.close();
    expect(await reader.waitFor('user_left')).toEqual([{ id: ben.id, uname: ben.uname, role: 'member' }]);
    await syncClients(cluster, reader);
    expect(reader.received.map(([event]) => event)).toEqual(['new_message', 'user_left']);
  });
});
