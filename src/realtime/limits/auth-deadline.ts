/**
 * Closes a connection that has not signed in within AUTH_DEADLINE_MS: it holds a descriptor and says nothing. One
 * whose auth is waiting for its turn (AuthQueue) or running is not silent, though: a deadline that passes meanwhile
 * gives it another term, so a reconnect storm's connections wait rather than time out.
 */
export class AuthDeadline {
  private timer: NodeJS.Timeout | undefined;
  private pending = false;

  /** `expire` closes the connection unless it signed in meanwhile. */
  constructor(
    private readonly ms: number,
    private readonly expire: () => void,
  ) {
    this.arm();
  }

  /** Runs the connection's auth with the deadline on hold. */
  async during<T>(auth: () => Promise<T>): Promise<T> {
    this.pending = true;
    try {
      return await auth();
    } finally {
      this.pending = false;
    }
  }

  /** Signed in, or gone: the timer (and the connection its closure holds) can go now rather than when it fires. */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    this.timer = setTimeout(() => (this.pending ? this.arm() : this.expire()), this.ms).unref();
  }
}
