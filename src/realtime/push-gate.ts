/**
 * What a connection may be pushed around its auth reply. Pushes that arrive while the reply is being built are
 * held and sent after it, so a client never hears of a chat or a message before it has been told about it.
 * Pushes of messages the reply's history already held are dropped: such a push can arrive after the history
 * was read (a remote instance's delivery is asynchronous), and the client must not show the message twice.
 * History ids are remembered for `windowMs` after the reply, long enough for any late delivery.
 */
export class PushGate<Push> {
  private held: Push[] | null = null;
  private historyIds: ReadonlySet<number> = new Set();
  private forgetAt = 0;

  /** Starts holding pushes: an auth reply is being built. */
  hold(): void {
    this.held ??= [];
  }

  get holding(): boolean {
    return this.held !== null;
  }

  /**
   * Stops holding. Returns what to send now, in order: `reply` first, then the held pushes that are not
   * already in the history.
   */
  release(reply: Push[], historyIds: Iterable<number>, now: number, windowMs: number, idOf: (push: Push) => number | undefined): Push[] {
    this.historyIds = new Set(historyIds);
    this.forgetAt = now + windowMs;
    const held = this.held ?? [];
    this.held = null;
    return [...reply, ...held.filter((push) => !this.alreadySent(idOf(push), now))];
  }

  /** Stops holding and drops what was held: the auth failed, so its reply never went out. */
  discard(): void {
    this.held = null;
  }

  /** Holds `push` if an auth reply is being built; true when it was taken (the caller must not send it). */
  take(push: Push): boolean {
    if (!this.held) return false;
    this.held.push(push);
    return true;
  }

  /** True when a message with this id was in the history this connection was just sent. */
  alreadySent(messageId: number | undefined, now: number): boolean {
    if (messageId === undefined || this.historyIds.size === 0) return false;
    if (now > this.forgetAt) {
      this.historyIds = new Set();
      return false;
    }
    return this.historyIds.has(messageId);
  }

  /** True while this gate may still drop something: callers skip their checks otherwise. */
  remembers(now: number): boolean {
    return this.historyIds.size > 0 && now <= this.forgetAt;
  }
}
