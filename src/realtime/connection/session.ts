import { PushGate, type Sequenced, type Snapshot } from './push-gate.js';
import { SerialQueue } from './serial-queue.js';
import type { ClientTransport } from './client-transport.js';
import type { Sessions } from './sessions.js';

/** A push for one connection: the frame it sends, and the stored message or presence change it carries. */
export interface Pushed<Frame> extends Sequenced {
  frame: Frame;
}

/** An auth reply, built: what it already told the connection, and how to send it (called once, if still open). */
export interface Welcome {
  snapshot: Snapshot;
  send: () => void;
}

/**
 * Fields a gateway adds to the core's log lines about one connection (its app, its user): a function, or the
 * gateway's own object for the connection with a `logDetails` method (no closure per connection).
 */
export type SessionDetails = (() => Record<string, unknown>) | { logDetails(): Record<string, unknown> };

/** Resolves the requests an overflowing queue turned away: their connection is being closed, nobody waits. */
const TURNED_AWAY: Promise<undefined> = Promise.resolve(undefined);

/**
 * One client connection's lifecycle, on whatever transport carries it (ClientTransport), made by Sessions.open:
 * the auth deadline (closed unless `welcome` or `established` comes in time), the user's connection slot
 * (MAX_SOCKETS_PER_USER) and the revocation watch that comes with it (`claimUser`), the requests run one at a
 * time with a bound on how many wait (`run`), and the pushes held while the auth reply is built (`welcome`,
 * `push`). Everything it holds is given back when the transport closes.
 */
export class ConnectionSession<Frame = unknown, Push extends Pushed<Frame> = Pushed<Frame>> {
  /** Made when an auth reply is built, and dropped once it remembers nothing: an idle connection holds none. */
  private pushGate: PushGate<Push> | null = null;
  /** Made on the first request: a reader that never sends holds none. */
  private queue: SerialQueue | null = null;
  // Every field is given a value here, even undefined: one first set later, once the constructor's shape is settled,
  // would go to a properties array of its own (40 bytes per connection).
  private deadline: NodeJS.Timeout | undefined = undefined;
  /** The user whose slot it holds, and the token it signed in with (undefined: any change of the user closes it). */
  private slotOf: number | null = null;
  tokenHash: string | undefined = undefined;
  private closed = false;
  /** Authenticated (or needing no auth): its deadline no longer runs. */
  authenticated = false;
  /** Its auth is waiting for its turn (AuthQueue) or running: see `authenticating`. */
  private authPending = false;

  constructor(
    readonly protocol: string,
    readonly transport: ClientTransport<Frame>,
    private readonly sessions: Sessions,
    readonly details: SessionDetails | undefined,
  ) {}

  get id(): string {
    return this.transport.id;
  }

  /** What may be pushed to it around its auth reply (a gate that holds and remembers nothing, when idle). */
  get gate(): PushGate<Push> {
    return (this.pushGate ??= new PushGate<Push>());
  }

  /** True when the auth reply it was just sent already reflects `push` (PushGate.alreadySent). */
  alreadySent(push: Sequenced, now: number): boolean {
    return this.pushGate !== null && this.pushGate.alreadySent(push, now);
  }

  /**
   * True once its gate holds and remembers nothing (its auth reply's late-delivery window passed), which it then
   * drops: what a fan-out that kept it among the just-welcomed may forget it by.
   */
  settled(now: number): boolean {
    const gate = this.pushGate;
    if (gate !== null && (gate.holding || gate.remembers(now))) return false;
    this.pushGate = null;
    return true;
  }

  /** The gateway's fields for a log line about it. */
  logDetails(): Record<string, unknown> | undefined {
    const details = this.details;
    return typeof details === 'function' ? details() : details?.logDetails();
  }

  get isOpen(): boolean {
    return !this.closed && this.transport.isOpen;
  }

  /** The user it signed in as, while it holds that user's slot. */
  get userId(): number | null {
    return this.slotOf;
  }

  /** Closes the connection at `ms` from now unless it is established by then. */
  startDeadline(ms: number): void {
    this.deadline = setTimeout(() => {
      this.deadline = undefined;
      // Not a silent connection: its auth waits for its turn in a reconnect storm, or runs. Another term, then.
      if (this.authPending) return this.startDeadline(ms);
      if (!this.authenticated && this.transport.isOpen) this.transport.close('auth_deadline');
    }, ms);
    this.deadline.unref();
  }

  /**
   * Runs the connection's auth (with its wait for a turn, AuthQueue) with the deadline on hold: a deadline that
   * passes meanwhile gives it another term, so the connections of a reconnect storm wait rather than time out.
   */
  async authenticating<T>(auth: () => Promise<T>): Promise<T> {
    this.authPending = true;
    try {
      return await auth();
    } finally {
      this.authPending = false;
    }
  }

  /** Authenticated: the deadline's timer (and the connection its closure holds) goes now rather than when it fires. */
  established(): void {
    this.authenticated = true;
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  /**
   * Runs `work` after this connection's earlier requests. Past CONNECTION_QUEUE_MAX waiting, the connection is
   * closed (counted and logged) and `work` never runs: a client sending faster than it is served is not allowed to
   * grow the server's memory. Rejects with what `work` rejects with.
   */
  run<T>(work: () => Promise<T>): Promise<T | undefined> {
    const queue = (this.queue ??= new SerialQueue(this.sessions.queueMax));
    if (queue.full) {
      this.sessions.overflowed(this);
      return TURNED_AWAY;
    }
    return queue.run(work);
  }

  /**
   * Takes one of the user's connection slots and watches the user's identity: a revoked token (`tokenHash`, the
   * one it signed in with) or a changed user closes it. False when the user already holds MAX_SOCKETS_PER_USER.
   * A connection already closed gives the slot straight back (check `isOpen`).
   */
  claimUser(userId: number, tokenHash?: string): boolean {
    this.releaseUser();
    if (!this.sessions.acquireUser(userId)) return false;
    this.slotOf = userId;
    this.tokenHash = tokenHash;
    this.sessions.watchUser(this, userId);
    if (this.closed) this.releaseUser();
    return true;
  }

  /** Gives the user's slot back and stops watching its identity: the connection signed out. */
  releaseUser(): void {
    if (this.slotOf === null) return;
    this.sessions.unwatchUser(this, this.slotOf);
    this.slotOf = null;
    this.tokenHash = undefined;
  }

  /**
   * Builds and sends the auth reply with pushes held meanwhile, so the client hears of nothing before the reply
   * told it about it: `build` runs with every push to this connection held; then the reply goes out, the deadline
   * ends, and what was held follows, minus what the reply already reflects (PushGate). A failed build drops what
   * was held and rejects; a connection closed meanwhile is sent nothing and gets false.
   */
  async welcome(build: () => Promise<Welcome>): Promise<boolean> {
    this.gate.hold();
    let welcome: Welcome;
    try {
      welcome = await build();
    } catch (error) {
      this.gate.discard();
      throw error;
    }
    if (!this.isOpen) {
      this.gate.discard();
      return false;
    }
    this.established();
    const now = this.sessions.clock.now();
    // The reply and what was held leave together where the transport can batch them (one segment, not one each).
    if (this.transport.together) this.transport.together(() => this.sendWelcome(welcome, now));
    else this.sendWelcome(welcome, now);
    // A reply that listed no message and no presence leaves nothing to drop: `settled` drops its gate at once.
    this.settled(now);
    return true;
  }

  private sendWelcome(welcome: Welcome, now: number): void {
    welcome.send();
    for (const push of this.gate.release([], welcome.snapshot, now, this.sessions.lateDeliveryWindowMs)) {
      this.transport.send(push.frame);
    }
  }

  /** Sends a push now, or holds it while the auth reply is being built. */
  push(push: Push): void {
    if (this.pushGate === null || !this.pushGate.take(push)) this.transport.send(push.frame);
  }

  send(frame: Frame): void {
    this.transport.send(frame);
  }

  /** Its transport's close listener (Sessions.open hands it the session itself): counted, logged, then `ended`. */
  connectionClosed(): void {
    this.sessions.closed(this);
  }

  /** The transport closed: everything the session holds is given back. */
  ended(): void {
    this.closed = true;
    clearTimeout(this.deadline);
    this.deadline = undefined;
    this.releaseUser();
    this.pushGate?.discard();
  }
}
