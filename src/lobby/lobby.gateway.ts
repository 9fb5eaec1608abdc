import { type BeforeApplicationShutdown, Logger, type OnModuleDestroy, UseFilters } from '@nestjs/common';
import {
  Ack,
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { normalizeTokenHash } from '../users/tokens.js';
import { Clock } from '../common/clock.js';
import { OverloadedError } from '../common/refusal.js';
import { SetMap } from '../common/set-map.js';
import { AppConfig } from '../config/app-config.js';
import { Metrics } from '../operations/metrics.js';
import { DeliveryBus, type Subscription } from '../realtime/bus/delivery-bus.js';
import { eventArguments } from '../realtime/transports/io-message-handlers.js';
import { AuthDeadline } from '../realtime/limits/auth-deadline.js';
import { AuthQueue } from '../realtime/limits/auth-queue.js';
import { AuthThrottle } from '../realtime/limits/auth-throttle.js';
import { ClientAddresses } from '../realtime/limits/client-addresses.js';
import { ConnectionCaps } from '../realtime/limits/connection-caps.js';
import { SerialQueue } from '../realtime/connection/serial-queue.js';
import { IDENTITY_CHANNEL, type IdentityChange, identityRoom } from '../users/identity-changes.js';
import { LobbyRefusal } from './lobby-errors.js';
import { LobbyExceptionFilter } from './lobby-exception.filter.js';
import { LobbyFanout } from './lobby-fanout.js';
import { type AckFn, replyToOutcome, sendReply, welcomeText } from './lobby-replies.js';
import { LobbyService } from './lobby.service.js';
import { LOBBY_CHANNEL, type LobbySession, lobbyRoom } from './lobby.types.js';

/** Events taken straight from socket.io, off Nest's per-event path (`afterInit`), not `@SubscribeMessage`. */
export const LOBBY_DIRECT_EVENTS = ['new_message'] as const;

/** What the gateway remembers about one socket, kept in `socket.data`. */
interface LobbySocketState {
  authStarted?: boolean;
  session?: LobbySession;
  /** This socket's `new_message`s, one at a time, so one sender's messages keep their order. */
  queue?: SerialQueue;
  /** The user whose connection slot (MAX_SOCKETS_PER_USER) this socket holds until it disconnects. */
  slotOf?: number;
  /** The token hash it authenticated with: revoking that token closes it. */
  tokenHash?: string | null;
  /** Closes the socket if it has not authenticated within AUTH_DEADLINE_MS. */
  deadline?: AuthDeadline;
}

/**
 * The Moneypot lobby protocol over socket.io: parses events, calls LobbyService, speaks the protocol's words
 * (LobbyExceptionFilter words every refusal and fault). Broadcasts reach it through the delivery bus, for the
 * lobbies its sockets are in, and LobbyFanout hands them to socket.io's rooms.
 */
@WebSocketGateway()
@UseFilters(LobbyExceptionFilter)
export class LobbyGateway
  implements
    OnGatewayInit<Server>,
    OnGatewayConnection<Socket>,
    OnGatewayDisconnect<Socket>,
    OnModuleDestroy,
    BeforeApplicationShutdown
{
  private readonly logger = new Logger(LobbyGateway.name);
  // `server` and the two subscriptions are set by `afterInit`, which only an app's WebSocket adapter calls: in a
  // module compiled without an HTTP app (a test of LobbyModule alone) they stay unset, and the shutdown hooks have
  // nothing to close.
  private server?: Server;
  private subscription!: Subscription;
  private fanout!: LobbyFanout;
  /** Sockets in a lobby as a user, by user id: what a revoked token or a changed role closes. */
  private readonly byUser = new SetMap<number, Socket>();
  private identity!: Subscription;

  constructor(
    private readonly lobby: LobbyService,
    private readonly bus: DeliveryBus,
    private readonly edge: LobbyExceptionFilter,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
    private readonly throttle: AuthThrottle,
    private readonly authQueue: AuthQueue,
    private readonly caps: ConnectionCaps,
    private readonly addresses: ClientAddresses,
  ) {}

  afterInit(server: Server): void {
    this.server = server;
    // Every message's path: Nest's per-event exception zone, pipes and parameter resolution cost more than the rest of
    // the gateway's work for it. Its failures are answered by the same exception filter.
    server.on('connection', (socket: Socket) =>
      socket.on('new_message', (...args: unknown[]) => {
        const { data, ack } = eventArguments(args);
        this.onNewMessage(socket, data, ack).catch((error: unknown) =>
          this.edge.answer(socket, ack, error, 'new_message'),
        );
      }),
    );
    this.fanout = new LobbyFanout(server, this.clock, this.config.lateDeliveryWindowMs, this.metrics);
    this.subscription = this.bus.subscribe(LOBBY_CHANNEL, (delivery) => this.fanout.deliver(delivery));
    this.identity = this.bus.subscribe(IDENTITY_CHANNEL, ({ data }) => this.revoke(data));
    this.metrics.countConnections('lobby', () => server.engine.clientsCount);
    this.metrics.countWaitingAuths(() => this.authQueue.waiting);
    this.metrics.countLobbyMembers(() => {
      const byApp = new Map<number, number>();
      for (const socket of server.of('/').sockets.values()) {
        const session = stateOf(socket).session;
        if (session?.member) byApp.set(session.appId, (byApp.get(session.appId) ?? 0) + 1);
      }
      return byApp;
    });
  }

  onModuleDestroy(): void {
    // Unset when the HTTP app never started (see `server`).
    this.subscription?.close();
    this.identity?.close();
  }

  /** Takes every member out of presence while the database and the bus still work; sockets close after this. */
  async beforeApplicationShutdown(): Promise<void> {
    const sockets = this.server?.of('/').sockets.values() ?? [];
    await Promise.all([...sockets].map((socket) => this.signOut(socket)));
  }

  handleConnection(socket: Socket): void {
    this.logger.debug({
      event: 'connection_open',
      protocol: 'lobby',
      connection: socket.id,
      address: this.addresses.ofHandshake(socket.handshake),
    });
    const state = stateOf(socket);
    state.deadline = new AuthDeadline(this.config.authDeadlineMs, () => {
      if (!state.session) socket.disconnect(true);
    });
  }

  @SubscribeMessage('auth')
  async onAuth(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack?: AckFn): Promise<void> {
    const state = stateOf(socket);
    if (state.authStarted) return;
    state.authStarted = true;

    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      throw new LobbyRefusal('auth_not_object');
    const {
      app_id: appId,
      hashed_token: hashedToken,
      token_hash: legacyTokenHash,
      since,
    } = payload as Record<string, unknown>;
    if (typeof appId !== 'number') throw new LobbyRefusal('auth_no_app_id');
    if (!ack) throw new LobbyRefusal('auth_no_callback');
    // Chatgate's catch-up after a reconnect (docs/recovery.md); absent or null: the reply is the protocol's own.
    if (since != null && !isMessageId(since)) throw new LobbyRefusal('auth_bad_since');
    const tokenHash = normalizeTokenHash(isNonEmptyString(hashedToken) ? hashedToken : legacyTokenHash);
    state.tokenHash = tokenHash;
    const signIn = () =>
      this.authQueue.run(() => this.signIn(socket, appId, tokenHash, ack, (since ?? null) as number | null));
    await (state.deadline?.during(signIn) ?? signIn());
  }

  /** `auth` once its checks passed and its turn came: who the socket is, then into the lobby. */
  private async signIn(
    socket: Socket,
    appId: number,
    tokenHash: string | null,
    ack: AckFn,
    since: number | null,
  ): Promise<void> {
    // Gone while it waited for its turn: nothing to do for it.
    if (socket.disconnected) return;
    const state = stateOf(socket);

    const session = await this.lobby.authenticate(appId, tokenHash, socket.handshake.headers.origin);
    // An unknown hash is an anonymous reader, as the protocol says, but counts as a guess against the address.
    if (tokenHash && !session.member && (await this.throttle.guessed(this.addresses.ofHandshake(socket.handshake))))
      throw new LobbyRefusal('auth_throttled');
    if (session.member) {
      if (!(await this.caps.acquireUser(session.member.id))) throw new LobbyRefusal('too_many_connections');
      state.slotOf = session.member.id;
    }
    if (socket.disconnected) return this.releaseSlot(state);
    await this.enter(socket, session, ack, since);
  }

  private async onNewMessage(socket: Socket, text: unknown, ack?: AckFn): Promise<void> {
    const state = stateOf(socket);
    const { session } = state;
    if (!session) return;
    state.queue ??= new SerialQueue(this.config.connectionQueueMax);
    try {
      // Answered inside the queue, so replies leave in the order the messages came.
      await state.queue.run(() =>
        this.lobby.say(session, text).then(
          (outcome) => sendReply(socket, ack, replyToOutcome(outcome)),
          (error: unknown) => this.edge.answer(socket, ack, error, 'new_message'),
        ),
      );
    } catch (error) {
      if (!(error instanceof OverloadedError)) throw error;
      this.metrics.refusals.inc({ protocol: 'lobby', limit: 'connection_queue' });
      this.logger.warn({ event: 'queue_overflow', protocol: 'lobby', connection: socket.id, app: session.appId });
      socket.disconnect(true);
    }
  }

  async handleDisconnect(socket: Socket): Promise<void> {
    const state = stateOf(socket);
    this.logger.debug({
      event: 'connection_close',
      protocol: 'lobby',
      connection: socket.id,
      app: state.session?.appId,
    });
    state.deadline?.clear();
    this.releaseSlot(state);
    await this.signOut(socket);
  }

  private releaseSlot(state: LobbySocketState): void {
    if (state.slotOf === undefined) return;
    this.caps.releaseUser(state.slotOf);
    state.slotOf = undefined;
  }

  /**
   * Watches the lobby before reading its history, so nothing published meanwhile is missed; holds what arrives
   * until the ack is out; then joins the socket.io room and sends what was held, minus what the history held.
   */
  private async enter(socket: Socket, session: LobbySession, ack: AckFn, since: number | null): Promise<void> {
    const state = stateOf(socket);
    const room = lobbyRoom(session.chatId);
    await this.subscription.watch(room);
    this.fanout.hold(room, socket);
    let entered: Awaited<ReturnType<LobbyService['enter']>>;
    try {
      entered = await this.lobby.enter(session, socket.id, since);
    } catch (error) {
      this.fanout.abandon(room, socket);
      this.subscription.unwatch(room);
      throw error;
    }
    if (socket.disconnected) {
      this.fanout.abandon(room, socket);
      this.subscription.unwatch(room);
      return this.lobby.leave(session, socket.id);
    }
    const { welcome, presenceVersion } = entered;
    state.session = session;
    state.deadline?.clear();
    if (session.member) {
      this.byUser.add(session.member.id, socket);
      void this.identity.watch(identityRoom(session.member.id));
    }
    ack(null, welcomeText(welcome));
    this.fanout.release(room, socket, { messageIds: welcome.room.history.map((m) => m.id), presenceVersion });
  }

  private async signOut(socket: Socket): Promise<void> {
    const state = stateOf(socket);
    const session = state.session;
    if (!session) return;
    state.session = undefined;
    if (session.member) {
      this.byUser.delete(session.member.id, socket);
      this.identity.unwatch(identityRoom(session.member.id));
    }
    const room = lobbyRoom(session.chatId);
    this.fanout.forget(room, socket);
    this.subscription.unwatch(room);
    try {
      await this.lobby.leave(session, socket.id);
    } catch (error) {
      this.edge.answer(socket, undefined, error, 'disconnect');
    }
  }

  /**
   * A revoked token or a changed role: the sockets it concerns are disconnected, on every instance, so nobody
   * keeps powers they lost. (The protocol cannot change a socket's identity in place.)
   */
  private revoke({ userId, tokenHash }: IdentityChange): void {
    for (const socket of [...this.byUser.of(userId)]) {
      if (tokenHash === undefined || stateOf(socket).tokenHash === tokenHash) socket.disconnect(true);
    }
  }
}

function stateOf(socket: Socket): LobbySocketState {
  return socket.data as LobbySocketState;
}

/** A message id a reader may hold: a non-negative integer (0: it holds none yet). */
function isMessageId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
