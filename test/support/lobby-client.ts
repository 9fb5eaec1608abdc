import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';

export type Received = [event: string, ...args: unknown[]];

/**
 * A real socket.io client that records every event it receives, in order, so tests can assert exact
 * payloads, orders and counts, and the absence of events.
 */
export class LobbyClient {
  readonly received: Received[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.onAny((event: string, ...args: unknown[]) => {
      this.received.push([event, ...args]);
      this.waiters.splice(0).forEach((wake) => wake());
    });
  }

  /** `options` reach socket.io-client as given (an Origin header, a local address to connect from, …). */
  static async connect(
    url: string,
    transports: ('polling' | 'websocket')[] = ['websocket'],
    options: Partial<ManagerOptions & SocketOptions> = {},
  ): Promise<LobbyClient> {
    const socket = io(url, { transports, reconnection: false, forceNew: true, ...options });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return new LobbyClient(socket);
  }

  /** Connects and authenticates (anonymously without a hash); fails unless the auth succeeded. `data` is its payload. */
  static async join(url: string, appId: number, hashedToken?: string): Promise<LobbyClient & { data: any }> {
    const client = await LobbyClient.connect(url);
    const [error, data] = await client.auth(
      hashedToken ? { app_id: appId, hashed_token: hashedToken } : { app_id: appId },
    );
    if (error !== null) {
      client.close();
      throw new Error(`auth failed: ${JSON.stringify(error)}`);
    }
    return Object.assign(client, { data });
  }

  /** Emits `auth` and resolves with every argument the ack was called with. */
  auth(payload: unknown): Promise<unknown[]> {
    return this.emitWithAck('auth', payload);
  }

  /** Emits `new_message` with an ack and resolves with the ack's arguments. */
  say(text: unknown): Promise<unknown[]> {
    return this.emitWithAck('new_message', text);
  }

  emitWithAck(event: string, ...args: unknown[]): Promise<unknown[]> {
    return new Promise((resolve) => this.socket.emit(event, ...args, (...ackArgs: unknown[]) => resolve(ackArgs)));
  }

  /** Emits and records whether the ack was ever called, for asserting that it was not. */
  emitTrackingAck(event: string, ...args: unknown[]): { acked: unknown[][] } {
    const tracker = { acked: [] as unknown[][] };
    this.socket.emit(event, ...args, (...ackArgs: unknown[]) => tracker.acked.push(ackArgs));
    return tracker;
  }

  /** Waits until `count` events named `event` have arrived in total, and returns their payloads. */
  async waitFor(event: string, count = 1, timeoutMs = 3000): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.received.filter(([name]) => name === event).map(([, payload]) => payload);
      if (matching.length >= count) return matching;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`waited ${timeoutMs} ms for ${count}× "${event}"; got ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Events received so far, by name. */
  events(event?: string): Received[] {
    return event ? this.received.filter(([name]) => name === event) : [...this.received];
  }

  /**
   * Resolves once the server has answered a marker sent now on this connection, so whatever it had sent this
   * connection before reading the marker has arrived: what a test then finds missing was never sent. The marker is
   * a connect to a namespace that does not exist, refused by socket.io itself on the same Engine.IO connection
   * (`connect_error`), touching nothing of the protocol, in any state (before auth, muted, rate-limited). What
   * another instance publishes crosses the bus first: `useTestServer`'s `sync` waits for that too.
   */
  async sync(): Promise<void> {
    const namespace = `/marker-${++markers}`;
    const marker = this.socket.io.socket(namespace);
    await new Promise<void>((resolve, reject) => {
      marker.once('connect_error', () => resolve());
      marker.once('connect', () => reject(new Error(`the marker namespace ${namespace} exists`)));
    });
    marker.disconnect();
  }

  close(): void {
    this.socket.disconnect();
  }
}

let markers = 0;
