import { Test, type TestingModule } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../test/support/fake-clock.js';
import { type DirectoryApp, type DirectoryUser, UserDirectory } from '../auth/user-directory.js';
import { Clock } from '../common/clock.js';
import { type Delivery, DeliveryBus } from '../realtime/bus/delivery-bus.js';
import { ChatgateTestingModule } from '../testing/index.js';
import { LobbyModule } from './lobby.module.js';
import { LobbyService } from './lobby.service.js';
import { lobbyRoom, LOBBY_CHANNEL, type LobbySession } from './lobby.types.js';

/** The site's user service as a test double: one app owned by olga, and two users by token hash. */
class FakeDirectory extends UserDirectory {
  async findApp(appId: number): Promise<DirectoryApp | null> {
    return appId === 7 ? { id: 7, owners: ['olga'], mods: [] } : null;
  }

  async findUserByTokenHash(tokenHash: string): Promise<DirectoryUser | null> {
    const users: Record<string, DirectoryUser> = {
      ['a'.repeat(64)]: { id: 101, uname: 'olga', role: 'member' },
      ['b'.repeat(64)]: { id: 102, uname: 'max', role: 'member' },
    };
    return users[tokenHash] ?? null;
  }
}

describe('LobbyService alone, through ChatgateTestingModule, on a fake clock', () => {
  const clock = new FakeClock(Date.UTC(2030, 0, 1));
  let moduleRef: TestingModule;
  let lobby: LobbyService;
  let olga: LobbySession;
  let max: LobbySession;
  /** What the service published to app 7's lobby, as the gateway would receive it. */
  const published: Pick<Delivery, 'event' | 'data'>[] = [];

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({ imports: [ChatgateTestingModule.forRoot(), LobbyModule] })
      .overrideProvider(Clock)
      .useValue(clock)
      .overrideProvider(UserDirectory)
      .useValue(new FakeDirectory())
      .compile();
    await moduleRef.init();
    lobby = moduleRef.get(LobbyService);
    olga = await lobby.authenticate(7, 'a'.repeat(64));
    max = await lobby.authenticate(7, 'b'.repeat(64));
    // The in-memory bus delivers synchronously: whatever a call published is here when it resolves.
    const subscription = moduleRef
      .get(DeliveryBus)
      .subscribe(LOBBY_CHANNEL, ({ event, data }) => void published.push({ event, data }));
    await subscription.watch(lobbyRoom(olga.chatId));
  });
  afterAll(() => moduleRef.close());

  it('names the owner by the app, and the other user by their own role', () => {
    expect(olga).toEqual({ appId: 7, chatId: olga.chatId, member: { id: 101, uname: 'olga', role: 'owner' } });
    expect(max).toEqual({ appId: 7, chatId: olga.chatId, member: { id: 102, uname: 'max', role: 'member' } });
  });

  it('lets a mute run out when the clock passes its end, not a millisecond before', async () => {
    published.length = 0;
    const expiresAt = new Date(clock.now() + 120_000).toISOString();
    expect(await lobby.say(olga, '/mute max 2')).toEqual({
      kind: 'muted',
      mute: { uname: 'max', mins: 2, expires_at: expiresAt },
    });
    await expect(lobby.say(max, 'let me speak')).rejects.toMatchObject({ code: 'muted' });
    clock.advance(119_999);
    await expect(lobby.say(max, 'now?')).rejects.toMatchObject({ code: 'muted' });
    clock.advance(1);
    expect(await lobby.say(max, 'free again')).toEqual({ kind: 'posted' });

    expect(published).toEqual([
      { event: 'user_muted', data: { uname: 'max', mins: 2, expires_at: expiresAt } },
      {
        event: 'new_message',
        data: { id: expect.any(Number), user: { uname: 'max', role: 'member' }, text: 'free again' },
      },
    ]);
    const [, posted] = published as { data: { id: number } }[];
    const { welcome } = await lobby.enter(max, 'max-connection');
    expect(welcome.room.history).toEqual([
      { id: posted.data.id, user: { uname: 'max', role: 'member' }, text: 'free again' },
    ]);
    expect(welcome.room.muteList).toEqual({});
  });
});
