import { describe, expect, it } from 'vitest';
import { useClusterProcesses } from '../support/cluster-processes.js';
import { Api, uniqueUname } from '../support/server.js';

describe('lobby moderation across two instances on PostgreSQL and Redis (docs/moderation.md)', () => {
  const cluster = useClusterProcesses(2);
  const { lobbyOn } = cluster;

  it('deletes a message on both instances, and holds slow mode and a new filter on both', async () => {
    const appId = await cluster.api.createApp();
    const [mod, member] = await Promise.all([
      cluster.api.createUser(uniqueUname('mod'), 'mod'),
      cluster.api.createUser(uniqueUname('member')),
    ]);
    const readers = [await lobbyOn(0, appId), await lobbyOn(1, appId)];
    const modSocket = await lobbyOn(1, appId, mod.hashedToken);
    // The same member on both instances.
    const here = await lobbyOn(0, appId, member.hashedToken);
    const there = await lobbyOn(1, appId, member.hashedToken);

    expect(await here.say('to be deleted')).toEqual([]);
    const [said] = (await readers[1].waitFor('new_message')) as { id: number }[];
    modSocket.socket.emit('new_message', `/delete ${said.id}`);
    for (const reader of readers) expect(await reader.waitFor('message_deleted')).toEqual([{ id: said.id }]);
    expect(await modSocket.waitFor('system_message')).toEqual([`Message ${said.id} deleted`]);
    expect((await lobbyOn(0, appId)).data.room.history).toEqual([]);

    modSocket.socket.emit('new_message', '/slow 3600');
    for (const client of [...readers, here, there]) {
      expect(await client.waitFor('system_message')).toEqual(['Slow mode is on: one message every 3600 s']);
    }
    expect(await here.say('my one message')).toEqual([]);
    there.socket.emit('new_message', 'and one from my other tab');
    expect(await there.waitFor('system_message', 2)).toEqual([
      'Slow mode is on: one message every 3600 s',
      'Slow mode is on: wait 3600 s',
    ]);

    // A filter set through instance 0's API binds a member on instance 1: the change reaches it before the
    // slow-mode announcement published after it (one Redis connection publishes both, one receives both).
    const patched = await new Api(cluster.instances[0].url).patch(`/api/apps/${appId}`, {
      blockedWords: ['scam'],
      slowModeSeconds: 1,
    });
    expect(patched.status).toBe(200);
    await there.waitFor('system_message', 3);
    there.socket.emit('new_message', 'a ＳＣＡＭ');
    expect(await there.waitFor('system_message', 4)).toEqual([
      'Slow mode is on: one message every 3600 s',
      'Slow mode is on: wait 3600 s',
      'Slow mode is on: one message every 1 s',
      "Message blocked by this lobby's filter",
    ]);
    expect(readers[0].events('new_message').map(([, m]) => (m as { text: string }).text)).toEqual([
      'to be deleted',
      'my one message',
    ]);
  });
});
