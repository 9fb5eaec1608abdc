import { describe, expect, it } from 'vitest';
import { uniqueUname } from './support/server.js';
import { useTestServer } from './support/suite.js';
import { until } from './support/until.js';

const MINUTE = 60_000;

describe('lobby /mute and /unmute (protocols.md §1.4)', () => {
  const suite = useTestServer();
  const join = suite.joinLobby;
  /** A lobby with a mod, a member (lowercase uname, so it can be muted by name) and an anonymous reader. */
  const lobby = async () => {
    const mod = await suite.api.createUser(uniqueUname('mod'), 'mod');
    const target = await suite.api.createUser(uniqueUname('target'));
    const appId = await suite.api.createApp();
    return {
      appId,
      target,
      mod: await join(appId, mod.hashedToken),
      member: await join(appId, target.hashedToken),
      reader: await join(appId),
    };
  };

  it('mutes a user: stores it, broadcasts user_muted, confirms to the sender, and never acks', async () => {
    const { appId, target, mod, member, reader } = await lobby();
    const before = Date.now();
    const tracked = mod.emitTrackingAck('new_message', `/mute ${target.uname} 10`);
    const [muted] = (await reader.waitFor('user_muted')) as any[];
    const after = Date.now();
    expect(muted).toEqual({ uname: target.uname, mins: 10, expires_at: expect.any(String) });
    const expiresAt = Date.parse(muted.expires_at);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 10 * MINUTE);
    expect(expiresAt).toBeLessThanOrEqual(after + 10 * MINUTE);
    expect(new Date(expiresAt).toISOString()).toBe(muted.expires_at);
    expect(await mod.waitFor('system_message')).toEqual([`User "${target.uname}" muted for 10 minutes`]);
    expect(mod.events('user_muted')).toEqual([['user_muted', muted]]);
    expect(await member.waitFor('user_muted')).toEqual([muted]);
    await suite.sync(mod);
    expect(tracked.acked).toEqual([]);

    // The muted member is told so and nothing is posted; the mute shows in everyone's muteList.
    const attempt = member.emitTrackingAck('new_message', 'let me speak');
    expect(await member.waitFor('system_message')).toEqual(['You are muted']);
    await suite.sync(member, reader);
    expect(attempt.acked).toEqual([]);
    expect(reader.events('new_message')).toEqual([]);
    const late = await join(appId);
    expect(late.data.room.muteList).toEqual({ [target.uname]: muted });
  });

  it('checks the mute before the text, so a muted user with a bad text hears "You are muted"', async () => {
    const { target, mod, member } = await lobby();
    mod.socket.emit('new_message', `/mute ${target.uname} 5`);
    await member.waitFor('user_muted');
    member.socket.emit('new_message', 12345);
    expect(await member.waitFor('system_message')).toEqual(['You are muted']);
    expect(member.events('client_error')).toEqual([]);
  });

  it('lets muted staff still speak', async () => {
    const owner = await suite.api.createUser(uniqueUname('owner'));
    const admin = await suite.api.createUser(uniqueUname('admin'), 'admin');
    const appId = await suite.api.createApp([owner.uname]);
    const ownerClient = await join(appId, owner.hashedToken);
    const adminClient = await join(appId, admin.hashedToken);
    ownerClient.socket.emit('new_message', `/mute ${admin.uname.toLowerCase()} 5`);
    await adminClient.waitFor('user_muted');
    expect(await adminClient.say('still here')).toEqual([]);
    // No hierarchy between staff: the admin may mute the owner too.
    adminClient.socket.emit('new_message', `/mute ${owner.uname.toLowerCase()} 5`);
    expect(await adminClient.waitFor('system_message')).toEqual([
      `User "${owner.uname.toLowerCase()}" muted for 5 minutes`,
    ]);
  });

  it('mutes any uname, present or not, and a new mute replaces the old one', async () => {
    const { appId, mod, reader } = await lobby();
    mod.socket.emit('new_message', '/mute nobody_here 5');
    mod.socket.emit('new_message', '/mute nobody_here 30');
    const mutes = (await reader.waitFor('user_muted', 2)) as any[];
    expect(mutes.map((m) => m.mins)).toEqual([5, 30]);
    // The reader may share the mod's instance; the late joiner's may hear of the mutes only across the bus.
    await suite.sync();
    const late = await join(appId);
    expect(late.data.room.muteList).toEqual({ nobody_here: mutes[1] });
  });

  it.each([
    ['/mute', 'Invalid mute command'],
    ['/mute Target 10', 'Invalid mute command'],
    ['/mute bob  10', 'Invalid mute command'],
    ['/mute bob ten', 'Invalid mute command'],
    ['/mute bob 10 extra', 'Invalid mute command'],
    ['/mute bob 999999999999999999', 'Invalid mute command'],
    ['/unmute', 'Invalid unmute command'],
    ['/unmute  bob', 'Invalid unmute command'],
    ['/unmute bob 10', 'Invalid unmute command'],
  ])('answers %j with "%s" and changes nothing', async (text, reply) => {
    const { appId, mod, reader } = await lobby();
    const tracked = mod.emitTrackingAck('new_message', text);
    expect(await mod.waitFor('system_message')).toEqual([reply]);
    await suite.sync(mod, reader);
    expect(tracked.acked).toEqual([]);
    expect(reader.received).toEqual([]);
    expect((await join(appId)).data.room.muteList).toEqual({});
  });

  it('unmutes in any letter case, broadcasting the lowercase uname', async () => {
    const { appId, target, mod, member, reader } = await lobby();
    mod.socket.emit('new_message', `/mute ${target.uname} 10`);
    await member.waitFor('user_muted');
    const tracked = mod.emitTrackingAck('new_message', `/unmute ${target.uname.toUpperCase()}`);
    expect(await reader.waitFor('user_unmuted')).toEqual([{ uname: target.uname }]);
    expect(await mod.waitFor('system_message', 2)).toEqual([
      `User "${target.uname}" muted for 10 minutes`,
      `User "${target.uname}" unmuted`,
    ]);
    expect(mod.events('user_unmuted')).toEqual([['user_unmuted', { uname: target.uname }]]);
    await suite.sync(mod);
    expect(tracked.acked).toEqual([]);
    expect(await member.say('free again')).toEqual([]);
    expect((await join(appId)).data.room.muteList).toEqual({});
  });

  it('answers an unmute of someone not muted with "not in mutelist" and broadcasts nothing', async () => {
    const { mod, reader } = await lobby();
    mod.socket.emit('new_message', '/unmute Somebody');
    expect(await mod.waitFor('system_message')).toEqual(['User "somebody" not in mutelist']);
    await suite.sync(reader);
    expect(reader.received).toEqual([]);
  });

  it('lets a mute expire: a 0-minute mute blocks nothing, is not listed and cannot be unmuted', async () => {
    const { appId, target, mod, member, reader } = await lobby();
    mod.socket.emit('new_message', `/mute ${target.uname} 0`);
    const [muted] = (await reader.waitFor('user_muted')) as { expires_at: string }[];
    expect(muted).toEqual({ uname: target.uname, mins: 0, expires_at: expect.any(String) });
    // A mute holds while its end is ahead: the member speaks once the clock has passed it.
    await until(() => Date.now() > Date.parse(muted.expires_at), { what: 'the end of the 0-minute mute' });
    expect(await member.say('not muted')).toEqual([]);
    expect((await join(appId)).data.room.muteList).toEqual({});
    mod.socket.emit('new_message', `/unmute ${target.uname}`);
    expect(await mod.waitFor('system_message', 2)).toEqual([
      `User "${target.uname}" muted for 0 minutes`,
      `User "${target.uname}" not in mutelist`,
    ]);
  });

  it('keeps lobbies isolated: a mute in one app does not reach or bind another', async () => {
    const { target, mod } = await lobby();
    const otherAppId = await suite.api.createApp();
    const elsewhere = await join(otherAppId);
    const sameUserElsewhere = await join(otherAppId, target.hashedToken);
    mod.socket.emit('new_message', `/mute ${target.uname} 10`);
    await mod.waitFor('system_message');
    await suite.sync(elsewhere);
    expect(elsewhere.events('user_muted')).toEqual([]);
    expect(await sameUserElsewhere.say('fine here')).toEqual([]);
    expect((await join(otherAppId)).data.room.muteList).toEqual({});
  });
});
