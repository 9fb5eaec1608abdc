/** What lets a connection recognise a push it has already been given in a snapshot (see Delivery). */
export interface Sequenced {
  /** The stored message a push announces. */
  messageId?: number;
  /** The presence version of the change a push announces (presence-store.ts). */
  presenceVersion?: number;
}

/** What an auth reply already told the connection: the messages of its history, the presence it listed. */
export interface Snapshot {
  messageIds: Iterable<number>;
  presenceVersion?: number;
}

/**
 * What a connection may be pushed around its auth reply. Pushes that arrive while the reply is being built are
 * held and sent after it, so a client never hears of a chat or a message before it has been told about it.
 * Pushes the reply already reflects are dropped: a message its history held, a presence change its user list
 * already shows. Such a push can arrive after the reply was read (a remote instance's delivery is asynchronous),
 * and the client must not show it twice. The snapshot is remembered for `windowMs` after the reply, long enough
 * for any late delivery, then forgotten, so an idle connection holds nothing.
 */
export class PushGate<Push extends Sequenced> {
  private held: Push[] | null = null;
  private messageIds: ReadonlySet<number> = NOTHING;
  private presenceVersion = 0;
  private forgetAt = 0;

  /** Starts holding pushes: an auth reply is being built. */
  hold(): void {
    this.held ??= [];
  }

  get holding(): boolean {
    return this.held !== null;
  }

  /** Holds `push` if an auth reply is being built; true when it was taken (the caller must not send it). */
  take(push: Push): boolean {
    if (!this.held) return false;
    this.held.push(push);
    return true;
  }

  /** Stops holding and drops what was held: the auth failed, so its reply never went out. */
  discard(): void {
    this.held = null;
  }

  /** Stops holding. Returns what to send now, in order: `reply` first, then the held pushes it does not reflect. */
  release(reply: Push[], snapshot: Snapshot, now: number, windowMs: number): Push[] {
    const messageIds = new Set(snapshot.messageIds);
    this.messageIds = messageIds.size > 0 ? messageIds : NOTHING;
    this.presenceVersion = snapshot.presenceVersion ?? 0;
    this.forgetAt = now + windowMs;
    const held = this.held ?? [];
    this.held = null;
    return [...reply, ...held.filter((push) => !this.alreadySent(push, now))];
  }

  /** True when the snapshot this connection was just sent already reflects `push`. */
  alreadySent(push: Sequenced, now: number): boolean {
    if (!this.remembers(now)) return false;
    if (push.messageId !== undefined && this.messageIds.has(push.messageId)) return true;
    return push.presenceVersion !== undefined && push.presenceVersion <= this.presenceVersion;
  }

  /** True while this gate may still drop something; once false, the snapshot is forgotten. */
  remembers(now: number): boolean {
    if (now > this.forgetAt) {
      // Forgotten once: until the next release there is nothing to forget (and no new Set per push to check).
      this.messageIds = NOTHING;
      this.presenceVersion = 0;
      this.forgetAt = Infinity;
    }
    return this.messageIds.size > 0 || this.presenceVersion > 0;
  }
}

/** The empty snapshot every idle gate shares, rather than a Set of its own. */
const NOTHING: ReadonlySet<number> = new Set();
