import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../common/clock.js';
import { ExpiringCache } from '../common/expiring-cache.js';
import { SharedReads } from '../common/shared-reads.js';
import { cacheSettings } from '../config/areas/cache.settings.js';
import { DeliveryBus, type Subscription } from '../realtime/bus/delivery-bus.js';
import type { LobbyHistory } from './lobby-history.js';
import { LOBBY_CHANNEL, type LobbyMember, type LobbyRoom, lobbyChatId, lobbyRoom } from './lobby.types.js';

/**
 * What every `auth` reply of a lobby repeats, built once and shared by the sockets entering it on this instance:
 * its history and its user list. Both are shared objects: nobody may change them.
 *
 * The history is held only on a single instance (a bus no other process publishes on), for a lobby with sockets
 * here, from the first `opened` to the last `closed`. Why that is safe: every change to it is then delivered here
 * synchronously by whoever makes it, after storing it: a `new_message` or `message_deleted` broadcast; either
 * drops the held history, and a read that raced the change is not kept. For the same reason a socket may join a
 * read already running (single flight: one read per version, however many sockets reconnect at once) as long as
 * no change came since that read started: a change after the socket's `opened` reaches the socket itself.
 * With several instances a message stored elsewhere reaches this one later, or not at all while Redis is down,
 * and an `auth` must still find it in the history (docs/deployment.md, "Several instances"): there each entering
 * socket reads the database, sharing reads with the sockets entering at the same time (SharedReads never hands
 * out a read older than the request).
 */
@Injectable()
export class LobbyRooms implements OnModuleDestroy {
  /** Sockets between `opened` and `closed`, by chat id. */
  private readonly open = new Map<number, number>();
  /**
   * Held histories, what drops them, the reads in flight with the version they started at, and each open lobby's
   * version (its changes counted); null with several instances.
   */
  private readonly held: {
    histories: ExpiringCache<number, LobbyHistory>;
    changes: Subscription;
    reading: Map<number, { version: number; history: Promise<LobbyHistory> }>;
    versions: Map<number, number>;
  } | null = null;
  private readonly historyReads = new SharedReads<number, LobbyHistory>();
  /** The last user list built per open lobby, with the members it was built from. */
  private readonly users = new Map<number, { members: readonly LobbyMember[]; users: LobbyRoom['users'] }>();

  constructor(bus: DeliveryBus, clock: Clock, @Inject(cacheSettings.KEY) cache: ConfigType<typeof cacheSettings>) {
    if (bus.sharedWithOtherInstances) return;
    const histories = new ExpiringCache<number, LobbyHistory>(clock, cache.maxEntries, cache.ttlMs);
    const versions = new Map<number, number>();
    const changed = ({ room, event }: { room: string; event: string }) => {
      if (event !== 'new_message' && event !== 'message_deleted') return;
      const chatId = lobbyChatId(room);
      versions.set(chatId, (versions.get(chatId) ?? 0) + 1);
      histories.invalidate(chatId);
    };
    this.held = { histories, changes: bus.subscribe(LOBBY_CHANNEL, changed), reading: new Map(), versions };
  }

  onModuleDestroy(): void {
    this.held?.changes.close();
  }

  /** A socket is entering the lobby; resolves once changes to its history will reach this instance. */
  async opened(chatId: number): Promise<void> {
    this.open.set(chatId, (this.open.get(chatId) ?? 0) + 1);
    await this.held?.changes.watch(lobbyRoom(chatId));
  }

  /** A socket that `opened` the lobby left it (or failed to enter); the last one takes what was held. */
  closed(chatId: number): void {
    this.held?.changes.unwatch(lobbyRoom(chatId));
    const left = (this.open.get(chatId) ?? 1) - 1;
    if (left > 0) return void this.open.set(chatId, left);
    this.open.delete(chatId);
    this.held?.histories.invalidate(chatId);
    this.held?.reading.delete(chatId);
    this.held?.versions.delete(chatId);
    this.users.delete(chatId);
  }

  /** The lobby's history, held or read by `read`; only between `opened` and `closed`. */
  history(chatId: number, read: () => Promise<LobbyHistory>): Promise<LobbyHistory> {
    if (!this.held) return this.historyReads.read(chatId, read);
    const { histories, reading, versions } = this.held;
    const held = histories.get(chatId);
    if (held) return Promise.resolve(held);
    const version = versions.get(chatId) ?? 0;
    const running = reading.get(chatId);
    if (running?.version === version) return running.history;
    const history = histories.load(chatId, read).finally(() => {
      if (reading.get(chatId)?.history === history) reading.delete(chatId);
    });
    reading.set(chatId, { version, history });
    return history;
  }

  /**
   * `room.users` for these members: the object built last time when the members are the same (compared, not
   * assumed from a presence version, which only a clock keeps apart across a presence store that restarted empty).
   */
  userList(chatId: number, members: readonly LobbyMember[]): LobbyRoom['users'] {
    const last = this.users.get(chatId);
    if (last && (last.members === members || sameMembers(last.members, members))) return last.users;
    const users = Object.fromEntries(members.map((m) => [m.uname, m]));
    if (this.open.has(chatId)) this.users.set(chatId, { members, users });
    return users;
  }
}

function sameMembers(a: readonly LobbyMember[], b: readonly LobbyMember[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].id !== b[i].id || a[i].uname !== b[i].uname || a[i].role !== b[i].role) return false;
  }
  return true;
}
