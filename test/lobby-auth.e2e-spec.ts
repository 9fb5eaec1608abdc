import { describe, expect, it } from 'vitest';
import { uniqueUname } from './support/server.js';
import { useTestServer } from './support/suite.js';

const ERR_OBJECT = 'must send data object with `auth` event';
const ERR_APP_ID = 'must send app_id integer with `auth` event';
const ERR_CALLBACK = 'must provide callback to `auth` event';
const ERR_NO_APP = 'no app found with the app_id you sent to `auth` event';

describe('lobby auth (protocols.md §1.1)', () => {
  const suite = useTestServer();
  const connect = suite.lobbyClient;

  it.each([
    ['a string', 'hello'],
    ['null', null],
    ['an array', [1, 2]],
  ])('answers a payload that is %s with client_error and no ack', async (_, payload) => {
    const client = await connect();
    const tracked = client.emitTrackingAck('auth', payload);
    expect(await client.waitFor('client_error')).toEqual([ERR_OBJECT]);
    await client.sync();
    expect(tracked.acked).toEqual([]);
    expect(client.received).toEqual([['client_error', ERR_OBJECT]]);
  });

  it.each([
    ['missing', {}],
    ['a string', { app_id: '1' }],
    ['null', { app_id: null }],
  ])('answers an app_id that is %s with client_error', async (_, payload) => {
    const client = await connect();
    const tracked = client.emitTrackingAck('auth', payload);
    expect(await client.waitFor('client_error')).toEqual([ERR_APP_ID]);
    await client.sync();
    expect(tracked.acked).toEqual([]);
  });

  it('answers an auth without a callback with client_error', async () => {
    const appId = await suite.api.createApp();
    const client = await connect();
    client.socket.emit('auth', { app_id: appId });
    expect(await client.waitFor('client_error')).toEqual([ERR_CALLBACK]);
  });

  it.each([999_999, 0, -1, 1.5, 2 ** 53, 1e300])(
    'answers the unknown app %s with client_error and no ack',
    async (appId) => {
      const client = await connect();
      const tracked = client.emitTrackingAck('auth', { app_id: appId });
      expect(await client.waitFor('client_error')).toEqual([ERR_NO_APP]);
      await client.sync();
      expect(tracked.acked).toEqual([]);
    },
  );

  it('lets an anonymous reader in without a user key', async () => {
    const appId = await suite.api.createApp();
    const client = await connect();
    expect(await client.auth({ app_id: appId })).toEqual([
      null,
      { room: { users: {}, history: [], muteList: {}, slowMode: 0 } },
    ]);
  });

  it.each([
    ['unknown', 'f'.repeat(64)],
    ['not hex', 'not-a-hash'],
    ['empty', ''],
    ['not a string', 12345],
  ])('treats a hashed_token that is %s as anonymous, without error', async (_, hashedToken) => {
    const appId = await suite.api.createApp();
    const client = await connect();
    expect(await client.auth({ app_id: appId, hashed_token: hashedToken })).toEqual([
      null,
      { room: { users: {}, history: [], muteList: {}, slowMode: 0 } },
    ]);
    expect(client.events('client_error')).toEqual([]);
  });

  it('authenticates a user by hashed token and lists them in room.users', async () => {
    const appId = await suite.api.createApp();
    const alice = await suite.api.createUser(uniqueUname('Alice'));
    const client = await connect();
    const member = { id: alice.id, uname: alice.uname, role: 'member' };
    expect(await client.auth({ app_id: appId, hashed_token: alice.hashedToken })).toEqual([
      null,
      { user: member, room: { users: { [alice.uname]: member }, history: [], muteList: {}, slowMode: 0 } },
    ]);
  });

  it('accepts the legacy token_hash key and an uppercase hash', async () => {
    const appId = await suite.api.createApp();
    const bob = await suite.api.createUser(uniqueUname('bob'));
    const legacy = await connect();
    const [, legacyData] = await legacy.auth({ app_id: appId, token_hash: bob.hashedToken });
    expect((legacyData as any).user).toEqual({ id: bob.id, uname: bob.uname, role: 'member' });
    const upper = await connect();
    const [, upperData] = await upper.auth({ app_id: appId, hashed_token: bob.hashedToken.toUpperCase() });
    expect((upperData as any).user.uname).toBe(bob.uname);
  });

  it('gives owners "owner" over any global role, app mods "mod", and others their global role', async () => {
    const owner = await suite.api.createUser(uniqueUname('owner'), 'admin');
    const appMod = await suite.api.createUser(uniqueUname('appmod'));
    const admin = await suite.api.createUser(uniqueUname('admin'), 'admin');
    const globalMod = await suite.api.createUser(uniqueUname('gmod'), 'mod');
    const member = await suite.api.createUser(uniqueUname('member'));
    // Staff lists match unames in any letter case; an admin named as app mod stays admin.
    const appId = await suite.api.createApp([owner.uname.toUpperCase()], [appMod.uname, admin.uname]);
    const otherAppId = await suite.api.createApp();

    const roleIn = async (app: number, hashedToken: string) => {
      const client = await connect();
      const [, data] = await client.auth({ app_id: app, hashed_token: hashedToken });
      return (data as any).user.role;
    };
    expect(await roleIn(appId, owner.hashedToken)).toBe('owner');
    expect(await roleIn(appId, appMod.hashedToken)).toBe('mod');
    expect(await roleIn(appId, admin.hashedToken)).toBe('admin');
    expect(await roleIn(appId, globalMod.hashedToken)).toBe('mod');
    expect(await roleIn(appId, member.hashedToken)).toBe('member');
    expect(await roleIn(otherAppId, owner.hashedToken)).toBe('admin');
    expect(await roleIn(otherAppId, appMod.hashedToken)).toBe('member');
  });

  it('handles only the first auth of a socket, even when it failed validation', async () => {
    const appId = await suite.api.createApp();
    const client = await connect();
    client.socket.emit('auth', 'garbage');
    await client.waitFor('client_error');
    const second = client.emitTrackingAck('auth', { app_id: appId });
    await client.sync();
    expect(second.acked).toEqual([]);
    expect(client.received).toEqual([['client_error', ERR_OBJECT]]);

    const fresh = await connect();
    await fresh.auth({ app_id: appId });
    const again = fresh.emitTrackingAck('auth', { app_id: appId });
    await fresh.sync();
    expect(again.acked).toEqual([]);
    expect(fresh.received).toEqual([]);
  });

  it('ignores new_message before auth', async () => {
    const client = await connect();
    const tracked = client.emitTrackingAck('new_message', 'hello');
    await client.sync();
    expect(tracked.acked).toEqual([]);
    expect(client.received).toEqual([]);
  });

  it('serves the same protocol over long-polling', async () => {
    const appId = await suite.api.createApp();
    const client = await connect(['polling']);
    expect(await client.auth({ app_id: appId })).toEqual([
      null,
      { room: { users: {}, history: [], muteList: {}, slowMode: 0 } },
    ]);
    expect(client.socket.io.engine.transport.name).toBe('polling');
  });
});
