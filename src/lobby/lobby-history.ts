import type { StoredMessage } from '../messages/messages.service.js';
import type { LobbyMessage } from './lobby.types.js';

/**
 * A lobby's newest messages as read once and shared by every socket entering it meanwhile (LobbyRooms): `messages`
 * is the auth reply's `room.history` (never changed once made, so its JSON is made once too), `times` their
 * `createdAt`s. Reconnecting readers whose `since` it covers are answered from it, and share what they are sent.
 */
export class LobbyHistory {
  readonly messages: LobbyMessage[];
  private readonly times: number[];
  /** What was cut from it for each `since` asked so far: the sockets of one storm mostly hold the same last id. */
  private readonly cuts = new Map<number, LobbyMessage[]>();
  /** The ids deleted within the recovery window, read when a reconnecting reader first asks (see `deletions`). */
  private deleted?: Promise<number[]>;

  /** `stored`: the lobby's newest `size` messages, oldest first (fewer when it has no more). */
  constructor(
    stored: StoredMessage[],
    private readonly size: number,
  ) {
    this.messages = stored.map(toLobbyMessage);
    this.times = stored.map((message) => message.createdAt);
  }

  /**
   * The messages after `since`, oldest first, when this history holds all of them (it has every message of the
   * lobby, or its oldest is at or before `since`); undefined when older ones may be missing from it. At most `limit`
   * and none before `notBefore`: `complete` says whether either cut.
   */
  after(since: number, limit: number, notBefore: number): { messages: LobbyMessage[]; complete: boolean } | undefined {
    const whole = this.messages.length < this.size;
    if (!whole && (this.messages.length === 0 || this.messages[0].id > since)) return undefined;
    let first = this.messages.findIndex((message) => message.id > since);
    if (first === -1) first = this.messages.length;
    const all = this.messages.length - first;
    let start = Math.max(first, this.messages.length - limit);
    while (start < this.messages.length && this.times[start] < notBefore) start++;
    const complete = start === first;
    if (!complete) return { messages: this.messages.slice(start), complete };
    let cut = this.cuts.get(since);
    if (!cut) {
      cut = all === this.messages.length ? this.messages : this.messages.slice(first);
      if (this.cuts.size < MAX_CUTS) this.cuts.set(since, cut);
    }
    return { messages: cut, complete };
  }

  /** The ids deleted within the recovery window, read once per history by `read` (the moderation log). */
  deletions(read: () => Promise<number[]>): Promise<number[]> {
    // A failed read is not kept: the next reader tries again.
    this.deleted ??= read().catch((error: unknown) => {
      this.deleted = undefined;
      throw error;
    });
    return this.deleted;
  }
}

/** Cuts kept per history: enough for a storm's few distinct `since`s, bounded against a client sending many. */
const MAX_CUTS = 32;

export function toLobbyMessage(message: StoredMessage): LobbyMessage {
  return {
    id: message.id,
    user: { uname: message.authorName, role: message.authorRole ?? 'member' },
    text: message.text,
  };
}
