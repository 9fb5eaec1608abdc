import { DataSource, In } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { AppStaffEntity } from '../src/apps/app-staff.entity.js';
import { ChatEntity } from '../src/chats/chat.entity.js';
import { MessageEntity } from '../src/messages/message.entity.js';
import { LobbyLastPostEntity } from '../src/moderation/lobby-last-post.entity.js';
import { LobbySettingsEntity } from '../src/moderation/lobby-settings.entity.js';
import { ModerationLogEntity } from '../src/moderation/moderation-log.entity.js';
import { MuteEntity } from '../src/mutes/mute.entity.js';
import { AccessTokenEntity } from '../src/users/access-token.entity.js';
import { UserEntity } from '../src/users/user.entity.js';
import { WebhookTimerEntity } from '../src/webhooks/webhook.entities.js';
import { LobbyClient } from './support/lobby-client.js';
import { createSeller, SellerClient } from './support/seller-client.js';
import { uniqueUname } from './support/server.js';
import { useTestServer } from './support/suite.js';
import { useSimulatedCluster } from './support/simulated-cluster.js';

/**
 * Deleting sellers, users and apps over the provisioning API: what goes from the database, and what happens to
 * the live connections, on both instances of a simulated cluster (the delete is asked of instance 0, the
 * connections are held by instance 1, so the closing crosses the bus).
 */
describe('provisioning API: deleting sellers, users and apps', () => {
  const env = useSimulatedCluster();
  const urlOf = (i: number) => env.cluster.instances[i].url;
  const api = () => env.cluster.instances[0].api;
  const db = () => env.cluster.instances[0].app.get(DataSource);

  async function lobby(instance: number, appId: number, hashedToken?: string) {
    const client = env.track(await LobbyClient.connect(urlOf(instance)));
    const [error, data] = await client.auth({ app_id: appId, ...(hashedToken ? { hashed_token: hashedToken } : {}) });
    expect(error).toBeNull();
    return Object.assign(client, { data: data as any });
  }
  async function seller(instance: number) {
    return env.track(await SellerClient.connect(urlOf(instance)));
  }
  const disconnected = (client: LobbyClient) => new Promise((resolve) => client.socket.once('disconnect', resolve));

  it('lists sellers by id, `limit` at a time after `after`', async () => {
    const a = await createSeller(api(), 'Listed A');
    const b = await createSeller(api(), 'Listed B');
    const c = await createSeller(api(), 'Listed C');
    await api().patch(`/api/sellers/${b.id}`, { offlineMessages: true });
    expect(await api().get(`/api/sellers?limit=2&after=${a.id - 1}`)).toEqual({
      status: 200,
      body: [
        { id: a.id, name: 'Listed A', offlineMessages: false },
        { id: b.id, name: 'Listed B', offlineMessages: true },
      ],
    });
    expect(await api().get(`/api/sellers?after=${b.id}`)).toEqual({
      status: 200,
      body: [{ id: c.id, name: 'Listed C', offlineMessages: false }],
    });
    expect((await api().get('/api/sellers?limit=501')).status).toBe(400);
  });

  it('deletes a seller with its chats, their messages and its only-here clients, closing every connection', async () => {
    const doomed = await createSeller(api(), 'Doomed');
    const kept = await createSeller(api(), 'Kept');
    const sellerTab = await seller(1);
    await sellerTab.request('auth', { id: doomed.id, token: doomed.token });
    // Two clients of the doomed seller: one also talks to the kept seller, one only to the doomed one.
    const [onlyHere] = await (await seller(1)).request('auth', { name: 'Only', sellerId: doomed.id }, 2);
    const onlyHereTab = env.track(await SellerClient.connect(urlOf(1)));
    await onlyHereTab.request('auth', { token: onlyHere.data.token, sellerId: doomed.id }, 2);
    const [both] = await (await seller(1)).request('auth', { name: 'Both', sellerId: doomed.id }, 2);
    const bothAtKept = await seller(1);
    await bothAtKept.request('auth', { token: both.data.token, sellerId: kept.id }, 2);
    const doomedChat = Number(Object.keys(onlyHere.data.chats)[0]);
    await onlyHereTab.request('message', { id: 0, text: 'hello', date: 0, clientDate: 1, chatId: String(doomedChat) });
    const before = await db().getRepository(ChatEntity).findBy({ sellerId: doomed.id });
    expect(before).toHaveLength(2);

    // A field the route does not take is refused, not ignored: nothing is deleted.
    expect(await api().request('DELETE', `/api/sellers/${doomed.id}`, { keepChats: true })).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: 'property keepChats should not exist' },
    });
    expect((await api().get(`/api/sellers/${doomed.id}/chats`)).body).toHaveLength(2);
    expect(await api().delete(`/api/sellers/${doomed.id}`)).toEqual({ status: 204, body: null });

    expect(await sellerTab.waitForClose()).toBe(1008);
    expect(await onlyHereTab.waitForClose()).toBe(1008);
    // The client's identity changed everywhere: its connection to the other seller closes too, and reconnects.
    expect(await bothAtKept.waitForClose()).toBe(1008);

    const chatIds = before.map(({ id }) => id);
    expect(
      await db()
        .getRepository(ChatEntity)
        .countBy({ id: In(chatIds) }),
    ).toBe(0);
    expect(
      await db()
        .getRepository(MessageEntity)
        .countBy({ chatId: In(chatIds) }),
    ).toBe(0);
    const users = db().getRepository(UserEntity);
    expect(await users.countBy({ id: doomed.id })).toBe(0);
    expect(await db().getRepository(AccessTokenEntity).countBy({ userId: doomed.id })).toBe(0);
    const [onlyHereId, bothId] = [
      before.find((chat) => chat.id === doomedChat),
      before.find((chat) => chat.id !== doomedChat),
    ].map((chat) => chat?.clientId ?? Number.NaN);
    expect([onlyHereId, bothId].every(Number.isInteger)).toBe(true);
    expect(await users.countBy({ id: onlyHereId })).toBe(0);
    expect(await users.countBy({ id: bothId })).toBe(1);

    const again = await seller(0);
    const old = { id: doomed.id, token: doomed.token };
    expect(await again.request('auth', old)).toEqual([{ command: 'auth', data: old, error: 'USER_NOT_FOUND' }]);
    const oldClient = { token: onlyHere.data.token, sellerId: doomed.id };
    expect(await again.request('auth', oldClient)).toEqual([
      { command: 'auth', data: oldClient, error: 'USER_NOT_FOUND' },
    ]);
    const survivor = { token: both.data.token, sellerId: doomed.id };
    expect(await again.request('auth', survivor)).toEqual([
      { command: 'auth', data: survivor, error: 'CHAT_NOT_FOUND' },
    ]);
    const [atKept] = await again.request('auth', { token: both.data.token, sellerId: kept.id }, 2);
    expect(atKept.data.name).toBe('Both');

    expect(await api().get(`/api/sellers/${doomed.id}`)).toMatchObject({ status: 404 });
    expect(await api().delete(`/api/sellers/${doomed.id}`)).toMatchObject({ status: 404 });
    expect((await api().get(`/api/sellers/${kept.id}/chats`)).body).toHaveLength(1);
  });

  it("deletes a lobby user: their sockets close everywhere, their messages stay, their token is nobody's", async () => {
    const appId = await api().createApp();
    const user = await api().createUser(uniqueUname('leaving'));
    // Slow mode keeps each member's last post: that row goes with the user.
    expect((await api().patch(`/api/apps/${appId}`, { slowModeSeconds: 1 })).status).toBe(200);
    const other = await lobby(0, appId);
    const socket = await lobby(1, appId, user.hashedToken);
    expect(await socket.say('my last words')).toEqual([]);
    await other.waitFor('new_message');
    expect(await db().getRepository(LobbyLastPostEntity).countBy({ userId: user.id })).toBe(1);
    const gone = disconnected(socket);

    expect(await api().delete(`/api/users/${user.uname}`)).toEqual({ status: 204, body: null });

    expect(await gone).toBe('io server disconnect');
    expect(await other.waitFor('user_left')).toEqual([{ id: user.id, uname: user.uname, role: 'member' }]);
    expect(await db().getRepository(AccessTokenEntity).countBy({ userId: user.id })).toBe(0);
    expect(await db().getRepository(LobbyLastPostEntity).countBy({ userId: user.id })).toBe(0);
    expect((await api().get(`/api/apps/${appId}/messages`)).body).toEqual([
      { id: expect.any(Number), user: { uname: user.uname, role: 'member' }, text: 'my last words' },
    ]);
    const again = await lobby(1, appId, user.hashedToken);
    expect(again.data.user).toBeUndefined();
    expect(await again.say('anyone?')).toEqual(['USER_REQUIRED']);
    expect(await api().get(`/api/users/${user.uname}`)).toMatchObject({ status: 404 });
    expect(await api().delete(`/api/users/${user.uname}`)).toMatchObject({ status: 404 });
  });

  it("deletes an app with its lobby: every table's rows go, its sockets are disconnected everywhere", async () => {
    const owner = await api().createUser(uniqueUname('owner'));
    const member = await api().createUser(uniqueUname('member'));
    const appId = (await api().post('/api/apps', { name: 'Doomed', owners: [owner.uname], blockedWords: ['x'] })).body
      .id as number;
    const otherApp = await api().createApp();
    expect((await api().patch(`/api/apps/${appId}`, { slowModeSeconds: 1 })).status).toBe(200);
    const ownerSocket = await lobby(0, appId, owner.hashedToken);
    const memberSocket = await lobby(1, appId, member.hashedToken);
    const reader = await lobby(1, appId);
    const elsewhere = await lobby(1, otherApp, member.hashedToken);
    expect(await memberSocket.say('soon gone')).toEqual([]);
    ownerSocket.socket.emit('new_message', `/mute ${member.uname} 5`); // a mute is never acked
    await reader.waitFor('user_muted');
    const lobbyChat = await db().getRepository(ChatEntity).findOneByOrFail({ appId });
    expect(await db().getRepository(LobbyLastPostEntity).countBy({ chatId: lobbyChat.id })).toBe(1);
    expect(await db().getRepository(MuteEntity).countBy({ chatId: lobbyChat.id })).toBe(1);
    expect(await db().getRepository(ModerationLogEntity).countBy({ appId })).toBe(2);
    const closed = [ownerSocket, memberSocket, reader].map(disconnected);

    expect(await api().delete(`/api/apps/${appId}`)).toEqual({ status: 204, body: null });

    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect', 'io server disconnect']);
    await env.cluster.hub.delivered();
    await elsewhere.sync();
    expect(elsewhere.socket.connected).toBe(true);
    expect(await elsewhere.say('still here')).toEqual([]);

    const rows = {
      chats: await db().getRepository(ChatEntity).countBy({ appId }),
      messages: await db().getRepository(MessageEntity).countBy({ chatId: lobbyChat.id }),
      mutes: await db().getRepository(MuteEntity).countBy({ chatId: lobbyChat.id }),
      lastPosts: await db().getRepository(LobbyLastPostEntity).countBy({ chatId: lobbyChat.id }),
      settings: await db().getRepository(LobbySettingsEntity).countBy({ appId }),
      log: await db().getRepository(ModerationLogEntity).countBy({ appId }),
      staff: await db().getRepository(AppStaffEntity).countBy({ appId }),
    };
    expect(rows).toEqual({ chats: 0, messages: 0, mutes: 0, lastPosts: 0, settings: 0, log: 0, staff: 0 });

    for (const instance of [0, 1]) {
      const again = env.track(await LobbyClient.connect(urlOf(instance)));
      again.socket.emit('auth', { app_id: appId, hashed_token: owner.hashedToken }, () => {});
      expect(await again.waitFor('client_error')).toEqual(['no app found with the app_id you sent to `auth` event']);
    }
    expect(await api().get(`/api/apps/${appId}`)).toMatchObject({ status: 404 });
    expect(await api().get(`/api/apps/${appId}/messages`)).toMatchObject({ status: 404 });
    expect(await api().delete(`/api/apps/${appId}`)).toMatchObject({ status: 404 });
  });

  it('leaves no orphan when an app is deleted while its lobby is being written to', async () => {
    const appId = await api().createApp();
    const writer = await api().createUser(uniqueUname('writer'));
    const sockets = [await lobby(0, appId, writer.hashedToken), await lobby(1, appId, writer.hashedToken)];
    const lobbyChat = await db().getRepository(ChatEntity).findOneByOrFail({ appId });
    const closed = sockets.map(disconnected);
    // Acks of messages the delete overtook never come (the socket is gone first), so none is awaited.
    for (let i = 0; i < 100; i++)
      for (const socket of sockets) socket.socket.emit('new_message', `race ${i}`, () => {});
    expect((await api().delete(`/api/apps/${appId}`)).status).toBe(204);
    await Promise.all(closed);

    expect(await db().getRepository(MessageEntity).countBy({ chatId: lobbyChat.id })).toBe(0);
    expect(await db().getRepository(ChatEntity).countBy({ appId })).toBe(0);
    expect(await db().getRepository(LobbyLastPostEntity).countBy({ chatId: lobbyChat.id })).toBe(0);
    // Both instances still write to other lobbies.
    const otherApp = await api().createApp();
    const poster = (await api().createUser(uniqueUname('poster'))).hashedToken;
    for (const instance of [0, 1]) expect(await (await lobby(instance, otherApp, poster)).say('after')).toEqual([]);
  });
});

describe('deleting a seller whose clients wait for an answer', () => {
  const suite = useTestServer({ WEBHOOK_ALLOW_PRIVATE: 'true' }, { singleInstance: true });

  it("deletes the follow-up timers of its chats' messages with them (no foreign key reaches those)", async () => {
    const hook = { url: 'http://127.0.0.1:9/hooks', events: ['seller.message.unanswered'] };
    expect((await suite.api.post('/api/webhooks', hook)).status).toBe(201);
    const seller = await createSeller(suite.api, 'Silent');
    const sellerTab = await suite.sellerClient();
    await sellerTab.request('auth', { id: seller.id, token: seller.token });
    const client = await suite.sellerClient();
    const [auth] = await client.request('auth', { name: 'Waiting', sellerId: seller.id }, 2);
    const chatId = Number(Object.keys(auth.data.chats)[0]);
    const [sent] = await client.request('message', {
      id: 0,
      text: 'hello?',
      date: 0,
      clientDate: 1,
      chatId: `${chatId}`,
    });
    const timers = suite.server.app.get(DataSource).getRepository(WebhookTimerEntity);
    expect(await timers.countBy({ messageId: sent.data.id })).toBe(1);

    expect((await suite.api.delete(`/api/sellers/${seller.id}`)).status).toBe(204);

    expect(await timers.countBy({ messageId: sent.data.id })).toBe(0);
    expect(await client.waitForClose()).toBe(1008);
    expect(await sellerTab.waitForClose()).toBe(1008);
  });
});
