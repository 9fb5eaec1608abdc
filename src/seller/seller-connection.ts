import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { SignIn } from './seller-chat.types.js';

export interface Frame {
  command: string;
  data: unknown;
  error?: string;
}

/**
 * One raw WebSocket of the seller chat and what the gateway knows of it. Frames pushed before the connection's
 * `auth` reply went out are held back, so a client never hears of a chat before it has been told about it.
 */
export class SellerConnection {
  readonly id = randomUUID();
  signIn: SignIn | null = null;
  /** Chats this connection has been told about: only these may reach it. */
  readonly knownChats = new Set<number>();
  alive = true;
  private held: Frame[] | null = null;
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly socket: WebSocket) {}

  send(frame: Frame): void {
    if (this.held) this.held.push(frame);
    else if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  /** Holds pushes until `release`: the reply to an auth in progress must be the first thing the client hears. */
  hold(): void {
    this.held ??= [];
  }

  /** Sends `first`, then whatever was held back, and stops holding. */
  release(first: Frame[]): void {
    const held = this.held ?? [];
    this.held = null;
    [...first, ...held].forEach((frame) => this.send(frame));
  }

  /** Runs a request after the ones before it from this connection: a client's frames are handled in order. */
  serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/** The seller-chat connections held by this process, by user. */
export class SellerConnections {
  private readonly byUser = new Map<number, Set<SellerConnection>>();

  bind(connection: SellerConnection, userId: number): void {
    const set = this.byUser.get(userId) ?? new Set();
    set.add(connection);
    this.byUser.set(userId, set);
  }

  unbind(connection: SellerConnection, userId: number): void {
    const set = this.byUser.get(userId);
    set?.delete(connection);
    if (set?.size === 0) this.byUser.delete(userId);
  }

  of(userId: number): Iterable<SellerConnection> {
    return this.byUser.get(userId) ?? [];
  }

  all(): SellerConnection[] {
    return [...this.byUser.values()].flatMap((set) => [...set]);
  }
}
