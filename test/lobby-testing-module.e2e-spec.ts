import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DirectoryApp, type DirectoryUser, UserDirectory } from '../src/auth/user-directory.js';
import { Clock } from '../src/common/clock.js';
import { clusterSettings } from '../src/config/areas/cluster.settings.js';
import { settingsOf } from '../src/config/settings-area.js';
import { LobbyModule } from '../src/lobby/lobby.module.js';
import { InstanceIdentity } from '../src/realtime/bus/instance-identity.js';
import { InMemoryPresenceStore } from '../src/realtime/presence/in-memory-presence.store.js';
import { PresenceStore } from '../src/realtime/presence/presence-store.js';
import { PresenceService } from '../src/realtime/presence/presence.service.js';
import { ChatgateTestingModule } from '../src/testing/index.js';
import { FakeClock } from './support/fake-clock.js';
import { LobbyClient } from './support/lobby-client.js';
import type { TestServer } from './support/server.js';
import { ROOMY_LIMITS, serveTestingModule } from './support/testing-app.js';

/** The site's user service, as a test double: two apps and their users, by token hash. */
class FakeDirectory extends UserDirectory {
  readonly apps = new Map<number, DirectoryApp>([[7, { id: 7, owners: ['olga'], mods: [] }]]);
  readonly users = new Map<string, DirectoryUser>([
    ['a'.repeat(64), { id: 101, uname: 'olga', role: 'member' }],
    ['b'.repeat(64), { id: 102, uname: 'max', role: 'member' }],
  ]);

  async findApp(appId: number): Promise<DirectoryApp | null> {
    return this.apps.get(appId) ?? null;
  }

  async findUserByTokenHash(tokenHash: string): Promise<DirectoryUser | null> {
    return this.users.get(tokenHash) ?? null;
  }
}

const PRESENCE_TTL_MS = 3000;

describe('LobbyModule alone under Nest’s testing harness: a fake clock, a fake user directory, another instance', () => {
  const clock = new FakeClock();
  const presenceStore = new InMemoryPresenceStore();
  let server: TestServer;
  const clients: LobbyClient[] = [];
  const join = async (payload: object) => {
    const client = await LobbyClient.connect(server.url);
    clients.push(client);
    const [error, data] = await client.auth(payload);
    expect(error).toBeNull();
    return Object.assign(client, { data: data as any });
  };

  beforeAll(async () => {
    const env = { PRESENCE_TTL_MS: String(PRESENCE_TTL_MS), LOG_LEVEL: 'error', ...ROOMY_LIMITS };
    server = await serveTestingModule(
      Test.createTestingModule({ imports: [ChatgateTestingModule.forRoot({ env }), LobbyModule] })
        .overrideProvider(Clock)
        .useValue(clock)
        .overrideProvider(UserDirectory)
        .useValue(new FakeDirectory())
        .overrideProvider(PresenceStore)
        .useValue(presenceStore),
    );
  });
  afterAll(async () => {
    clients.forEach((client) => client.close());
    await server.close();
  });

  it('authenticates through the overridden directory, owners first', async () => {
    const olga = await join({ app_id: 7, hashed_token: 'a'.repeat(64) });
    expect(olga.data.user).toEqual({ id: 101, uname: 'olga', role: 'owner' });
    const anonymous = await LobbyClient.connect(server.url);
    clients.push(anonymous);
    anonymous.socket.emit('auth', { app_id: 8 }, () => undefined);
    expect(await anonymous.waitFor('client_error')).toEqual(['no app found with the app_id you sent to `auth` event']);
  });

  it('lets a mute run out when the clock passes its end, not before', async () => {
    const olga = await join({ app_id: 7, hashed_token: 'a'.repeat(64) });
    const max = await join({ app_id: 7, hashed_token: 'b'.repeat(64) });
    olga.socket.emit('new_message', '/mute max 2');
    const [muted] = (await max.waitFor('user_muted')) as { expires_at: string }[];
    expect(muted).toEqual({ uname: 'max', mins: 2, expires_at: new Date(clock.now() + 120_000).toISOString() });

    max.socket.emit('new_message', 'let me speak');
    expect(await max.waitFor('system_message')).toEqual(['You are muted']);
    clock.advance(119_999);
    max.socket.emit('new_message', 'now?');
    expect(await max.waitFor('system_message', 2)).toEqual(['You are muted', 'You are muted']);
    clock.advance(1);
    expect(await max.say('free again')).toEqual([]);
    expect(max.events('new_message').map(([, m]) => (m as { text: string }).text)).toEqual(['free again']);
  });

  it('announces user_left for the members of an instance that stopped renewing, within the bound', async () => {
    const cluster = settingsOf(server.app, clusterSettings);
    // Another instance holding max's socket: it renews once, on a clock nobody advances, then goes silent.
    const silent = new PresenceService(presenceStore, new InstanceIdentity(), new FakeClock(clock.now()), cluster);
    await silent.onModuleInit();
    const reader = await join({ app_id: 7 });
    const lobbyPlace = await findLobbyPlace(presenceStore, 101); // olga is still in app 7's lobby
    await silent.join(lobbyPlace, { id: 555, uname: 'ghost', role: 'member' }, 'elsewhere');
    const watcher = await join({ app_id: 7 });
    expect(watcher.data.room.users.ghost).toEqual({ id: 555, uname: 'ghost', role: 'member' });

    clock.advance(PRESENCE_TTL_MS); // the lease has not run out yet
    // The renewals the clock started are in flight: one more, awaited, comes after them (the store answers in
    // order), so any user_left they published is on the wire before the marker's reply, on the same socket.
    await server.app.get(PresenceService).tick();
    expect(await watcher.say('marker')).toEqual(['USER_REQUIRED']);
    expect(watcher.events('user_left')).toEqual([]);
    clock.advance(PRESENCE_TTL_MS / 3 + 1); // past the lease, plus one sweep
    expect(await watcher.waitFor('user_left')).toEqual([{ id: 555, uname: 'ghost', role: 'member' }]);
    expect(await reader.waitFor('user_left')).toEqual([{ id: 555, uname: 'ghost', role: 'member' }]);
    const late = await join({ app_id: 7 });
    expect(late.data.room.users.ghost).toBeUndefined();
  });
});

/** The presence place (lobby room) a member is in: the test reads it rather than assuming chat ids. */
async function findLobbyPlace(store: InMemoryPresenceStore, memberId: number): Promise<string> {
  for (let chatId = 1; chatId < 100; chatId++) {
    if (await store.has(`lobby:${chatId}`, memberId)) return `lobby:${chatId}`;
  }
  throw new Error(`member ${memberId} is in no lobby`);
}
