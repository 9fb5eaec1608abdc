import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { useClusterProcesses } from '../support/cluster-processes.js';
import { LobbyClient } from '../support/lobby-client.js';
import { metricValue } from '../support/metrics.js';
import { createSeller, SellerClient } from '../support/seller-client.js';
import { killed } from '../support/server-process.js';
import { uniqueUname } from '../support/server.js';
import { until } from '../support/until.js';

const PRESENCE_TTL_MS = 2000;

describe('three instances on PostgreSQL and Redis', () => {
  const cluster = useClusterProcesses(3, { PRESENCE_TTL_MS: String(PRESENCE_TTL_MS) });
  const { lobbyOn, sellerOn } = cluster;

  it('delivers a lobby message to readers on every instance exactly once, the sender’s broadcast before its ack', async () => {
    const appId = await cluster.api.createApp();
    const user = await cluster.api.createUser(uniqueUname('speaker'));
    const readers = [await lobbyOn(0, appId), await lobbyOn(1, appId), await lobbyOn(2, appId)];
    const speaker = await lobbyOn(1, appId, user.hashedToken);
    for (const reader of readers) await reader.waitFor('user_joined');

    const ack = await speaker.say('across the cluster');
    expect(ack).toEqual([]);
    const message = { id: expect.any(Number), user: { uname: user.uname, role: 'member' }, text: 'across the cluster' };
    expect(speaker.events('new_message')).toEqual([['new_message', message]]);
    for (const reader of readers) expect(await reader.waitFor('new_message')).toEqual([message]);
    const late = await lobbyOn(2, appId);
    expect(late.data.room.history).toEqual([message]);
    // A marker from the same speaker: every instance hears the speaker's instance in publish order, so a second copy
    // of the message, or one for the socket that joined after it, would arrive before the marker.
    expect(await speaker.say('marker')).toEqual([]);
    const texts = async (client: LobbyClient, count: number) =>
      (await client.waitFor('new_message', count)).map((m) => (m as { text: string }).text);
    for (const reader of readers) expect(await texts(reader, 2)).toEqual(['across the cluster', 'marker']);
    expect(await texts(late, 1)).toEqual(['marker']);
  });

  it('announces presence exactly once across instances: first socket anywhere, last socket anywhere', async () => {
    const appId = await cluster.api.createApp();
    const user = await cluster.api.createUser(uniqueUname('roamer'));
    const other = await cluster.api.createUser(uniqueUname('marker'));
    const watcher = await lobbyOn(0, appId);
    // Another member on the roamer's two instances: what it says there follows what that instance published before.
    const markerOn1 = await lobbyOn(1, appId, other.hashedToken);
    const markerOn2 = await lobbyOn(2, appId, other.hashedToken);
    const otherMember = { id: other.id, uname: other.uname, role: 'member' };
    expect(await watcher.waitFor('user_joined')).toEqual([otherMember]);
    const first = await lobbyOn(1, appId, user.hashedToken);
    const second = await lobbyOn(2, appId, user.hashedToken);
    const member = { id: user.id, uname: user.uname, role: 'member' };
    expect(second.data.room.users).toEqual({ [other.uname]: otherMember, [user.uname]: member });
    expect(await watcher.waitFor('user_joined', 2)).toEqual([otherMember, member]);

    const lobbySockets = () => metricValue(cluster.instances[1].url, 'chatgate_connections', { protocol: 'lobby' });
    first.close();
    // Instance 1 then holds the marker's socket alone (the earlier tests' clients are closed too).
    await until(async () => (await lobbySockets()) === 1, { what: "the first tab's close handled" });
    expect(await markerOn1.say('one tab closed')).toEqual([]);
    second.close();
    expect(await watcher.waitFor('user_left')).toEqual([member]);
    // Whichever instance handled the earlier close, a user_left it published for it would come before its marker.
    expect(await markerOn1.say('both closed, 1')).toEqual([]);
    expect(await markerOn2.say('both closed, 2')).toEqual([]);
    await watcher.waitFor('new_message', 3);
    const said = (text: string) => [
      'new_message',
      { id: expect.any(Number), user: { uname: other.uname, role: 'member' }, text },
    ];
    expect(watcher.events()).toEqual([
      ['user_joined', otherMember],
      ['user_joined', member],
      said('one tab closed'),
      ['user_left', member],
      said('both closed, 1'),
      said('both closed, 2'),
    ]);
  });

  it('lets a client on one instance and its seller on another chat both ways', async () => {
    const seller = await createSeller(cluster.api, 'Across');
    const tab = await sellerOn(0);
    await tab.request('auth', { id: seller.id, token: seller.token });
    const client = await sellerOn(2);
    const [auth, status] = await client.request('auth', { name: 'Remote', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    expect(status).toEqual({ command: 'status', data: { chatId, status: true } });
    expect(await tab.waitFor('chat')).toEqual([{ command: 'chat', data: { id: chatId, chatter: 'Remote' } }]);
    expect(await tab.waitFor('status')).toEqual([{ command: 'status', data: { chatId, status: true } }]);

    const [ack] = await client.request('message', { text: 'hello seller', clientDate: 11, chatId });
    expect(ack.data).toEqual({
      id: ack.data.id,
      text: 'hello seller',
      date: ack.data.date,
      chatId,
      clientDate: 11,
      my: true,
    });
    expect(await tab.waitFor('message')).toEqual([
      { command: 'message', data: { id: ack.data.id, text: 'hello seller', date: ack.data.date, chatId } },
    ]);
    const [reply] = await tab.request('message', { text: 'hello client', clientDate: 12, chatId });
    expect(reply.data.id).toBeGreaterThan(ack.data.id);
    expect(await client.waitFor('message', 2)).toEqual([
      ack,
      { command: 'message', data: { id: reply.data.id, text: 'hello client', date: reply.data.date, chatId } },
    ]);
  });

  it('holds a user’s lobby rate limit across instances (counted in Redis)', async () => {
    const appId = await cluster.api.createApp();
    const user = await cluster.api.createUser(uniqueUname('hasty'));
    const onA = await lobbyOn(0, appId, user.hashedToken);
    const onB = await lobbyOn(1, appId, user.hashedToken);
    // The default: 5 messages per 5 s per user, wherever they are sent from.
    const acks = [];
    for (let i = 0; i < 2; i++) acks.push(await onA.say(`a${i}`), await onB.say(`b${i}`));
    acks.push(await onA.say('a2'));
    expect(acks).toEqual([[], [], [], [], []]);
    const sixth = onB.emitTrackingAck('new_message', 'b2');
    expect(await onB.waitFor('system_message')).toEqual(['You are sending messages too fast']);
    expect(sixth.acked).toEqual([]);
    const stored = (await cluster.api.get(`/api/apps/${appId}/messages`)).body as { text: string }[];
    expect(stored.map((m) => m.text)).toEqual(['a0', 'b0', 'a1', 'b1', 'a2']);
  });

  it('takes the users of a SIGKILLed instance out on the others within the presence bound', async () => {
    const victim = await cluster.add();
    const appId = await cluster.api.createApp();
    const user = await cluster.api.createUser(uniqueUname('doomed'));
    const seller = await createSeller(cluster.api, 'Doomed');
    const watcher = await lobbyOn(0, appId);
    const doomed = await LobbyClient.connect(victim.url);
    cluster.track(doomed);
    await doomed.auth({ app_id: appId, hashed_token: user.hashedToken });
    const client = await sellerOn(1);
    const [auth] = await client.request('auth', { name: 'Survivor', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const tab = await SellerClient.connect(victim.url);
    cluster.track(tab);
    await tab.request('auth', { id: seller.id, token: seller.token });
    await watcher.waitFor('user_joined');
    await client.waitFor('status', 2);

    await killed(victim.child, 'SIGKILL');
    const member = { id: user.id, uname: user.uname, role: 'member' };
    // Within the bound: the lease (2 s) plus one sweep; waitFor's own deadline bounds it.
    expect(await watcher.waitFor('user_left', 1, PRESENCE_TTL_MS * 2 + 1000)).toEqual([member]);
    expect(await client.waitFor('status', 3)).toEqual([
      { command: 'status', data: { chatId, status: false } },
      { command: 'status', data: { chatId, status: true } },
      { command: 'status', data: { chatId, status: false } },
    ]);
    // One departure, announced once: the instance whose sweep took it from the store announces it, and the others'
    // sweeps (each instance sweeps every third of a lease) find nothing left. Their timers are what is under test,
    // and no marker follows another process's timer: the test lets a lease pass, two sweeps of each.
    await sleep(PRESENCE_TTL_MS);
    expect(watcher.events('user_left')).toHaveLength(1);
  });
});
