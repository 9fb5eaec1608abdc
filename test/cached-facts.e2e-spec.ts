import { describe, expect, it } from 'vitest';
import { LobbyClient } from './support/lobby-client.js';
import { uniqueUname } from './support/server.js';
import { useSimulatedCluster } from './support/simulated-cluster.js';
import { useTestServer } from './support/suite.js';

const SITE = 'https://site.example';
const OTHER_SITE = 'https://other.example';

/**
 * Apps, token holders and mute lists are held in memory per instance (CACHE_MAX_ENTRIES, CACHE_TTL_MS). Each test
 * first makes instance 1 hold the fact (an auth or a message there), then changes it through instance 0 or a
 * socket on instance 0, then asks instance 1 again: the change must apply there as soon as the bus has carried its
 * announcement (`carried`), with no wait for CACHE_TTL_MS.
 */
describe('facts an instance holds follow changes made through another instance', () => {
  const env = useSimulatedCluster();

  const api = () => env.cluster.instances[0].api;
  const carried = () => env.cluster.hub.delivered();
  async function connect(instance: number, origin?: string) {
    const options = origin ? { extraHeaders: { origin } } : {};
    const client = await LobbyClient.connect(env.cluster.instances[instance].url, ['websocket'], options);
    env.track(client);
    return client;
  }
  async function auth(instance: number, payload: object, origin?: string) {
    const client = await connect(instance, origin);
    return { client, reply: await client.auth(payload) };
  }

  it("applies an app's new staff lists at the next auth", async () => {
    const appId = await api().createApp();
    const user = await api().createUser(uniqueUname('promoted'));
    const userIn = async () =>
      ((await auth(1, { app_id: appId, hashed_token: user.hashedToken })).reply[1] as any).user;
    expect(await userIn()).toEqual({ id: user.id, uname: user.uname, role: 'member' });
    expect((await api().patch(`/api/apps/${appId}`, { mods: [user.uname] })).status).toBe(200);
    await carried();
    expect(await userIn()).toEqual({ id: user.id, uname: user.uname, role: 'mod' });
    expect((await api().patch(`/api/apps/${appId}`, { mods: [], owners: [user.uname] })).status).toBe(200);
    await carried();
    expect(await userIn()).toEqual({ id: user.id, uname: user.uname, role: 'owner' });
  });

  it("applies an app's new allowed origins at the next auth", async () => {
    const appId = (await api().post('/api/apps', { name: 'Moving', owners: [], origins: [SITE] })).body.id;
    expect((await auth(1, { app_id: appId }, SITE)).reply[0]).toBeNull();
    expect((await api().patch(`/api/apps/${appId}`, { origins: [OTHER_SITE] })).status).toBe(200);
    await carried();
    const refused = await connect(1, SITE);
    refused.emitTrackingAck('auth', { app_id: appId });
    expect(await refused.waitFor('client_error')).toEqual(['this app does not allow pages from your origin']);
    expect((await auth(1, { app_id: appId }, OTHER_SITE)).reply[0]).toBeNull();
  });

  it('authenticates nobody with a revoked token the other instance had already seen', async () => {
    const appId = await api().createApp();
    const user = await api().createUser(uniqueUname('revoked'));
    const first = await auth(1, { app_id: appId, hashed_token: user.hashedToken });
    expect((first.reply[1] as any).user.uname).toBe(user.uname);
    expect((await api().delete(`/api/users/${user.uname}/tokens/${user.hashedToken}`)).status).toBe(200);
    await carried();
    const again = await auth(1, { app_id: appId, hashed_token: user.hashedToken });
    expect(again.reply[0]).toBeNull();
    expect((again.reply[1] as any).user).toBeUndefined();
  });

  it('applies /mute and /unmute typed on one instance to a member speaking on the other', async () => {
    const appId = await api().createApp();
    const mod = await api().createUser(uniqueUname('mod'), 'mod');
    const target = await api().createUser(uniqueUname('target'));
    const name = target.uname.toLowerCase();
    const { client: modSocket } = await auth(0, { app_id: appId, hashed_token: mod.hashedToken });
    const { client: member, reply } = await auth(1, { app_id: appId, hashed_token: target.hashedToken });
    expect((reply[1] as any).room.muteList).toEqual({});
    expect(await member.say('before')).toEqual([]);

    modSocket.socket.emit('new_message', `/mute ${name} 10`);
    const [muted] = (await member.waitFor('user_muted')) as any[];
    member.socket.emit('new_message', 'muted now');
    expect(await member.waitFor('system_message')).toEqual(['You are muted']);
    const late = await auth(1, { app_id: appId });
    expect((late.reply[1] as any).room.muteList).toEqual({ [name]: muted });

    modSocket.socket.emit('new_message', `/unmute ${name}`);
    await member.waitFor('user_unmuted');
    expect(await member.say('after')).toEqual([]);
    const later = await auth(1, { app_id: appId });
    expect((later.reply[1] as any).room.muteList).toEqual({});
  });
});

describe('the history an instance holds for its lobbies', () => {
  const suite = useTestServer();

  it('loses a message the admin deleted, and gains each new one, for every later auth', async () => {
    const appId = await suite.api.createApp();
    const user = await suite.api.createUser(uniqueUname('poster'));
    const poster = await suite.joinLobby(appId, user.hashedToken);
    await poster.say('keep me');
    await poster.say('delete me');
    const [kept, doomed] = poster.events('new_message').map(([, m]) => m as any);
    // Readers staying in the lobby keep it open, so its history stays held between these auths.
    expect((await suite.joinLobby(appId)).data.room.history).toEqual([kept, doomed]);
    expect((await suite.api.delete(`/api/apps/${appId}/messages/${doomed.id}`)).status).toBe(204);
    expect((await suite.joinLobby(appId)).data.room.history).toEqual([kept]);
    await poster.say('new one');
    const [, , added] = poster.events('new_message').map(([, m]) => m as any);
    expect((await suite.joinLobby(appId)).data.room.history).toEqual([kept, added]);
  });
});
