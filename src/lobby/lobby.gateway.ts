import type { IncomingHttpHeaders } from 'node:http';
import type { BeforeApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { normalizeTokenHash } from '../users/tokens.js';
import { Clock } from '../common/clock.js';
import { Metrics } from '../operations/metrics.js';
import { DeliveryBus, type Subscription } from '../realtime/bus/delivery-bus.js';
import { eventArguments } from '../realtime/transports/io-message-handlers.js';
import { handleDisconnectsDirectly, sharedSocketListener } from '../realtime/transports/io-direct.js';
import { AuthQueue } from '../realtime/limits/auth-queue.js';
import { AuthThrottle } from '../realtime/limits/auth-throttle.js';
import { ClientAddresses } from '../realtime/limits/client-addresses.js';
import type { ConnectionSession } from '../realtime/connection/session.js';
import { Sessions } from '../realtime/connection/sessions.js';
import type { IoGatewayOptions } from '../realtime/transports/chatgate-io-adapter.js';
import { IoClientTransport, type IoFrame } from '../realtime/transports/io-client-transport.js';
import { LobbyRefusal } from './lobby-errors.js';
import { LobbyExceptionFilter } from './lobby-exception.filter.js';
import { LobbyFanout } from './lobby-fanout.js';
import { type AckFn, replyToOutcome, sendReply, welcomeText } from './lobby-replies.js';
import { LobbyService } from './lobby.service.js';
import { LOBBY_CHANNEL, type LobbySession, lobbyRoom } from './lobby.types.js';

/**
 * Events taken straight from socket.io, off Nest's per-event path (`afterInit`), not `@SubscribeMessage`: the lobby
 * has no other. Each is answered by LobbyExceptionFilter when it fails, as Nest would have.
 */
export const LOBBY_DIRECT_EVENTS = ['auth', 'new_message'] as const;

/**
 * What the gateway remembers about one socket, kept as its `socket.data`; also the fields the connection core adds
 * to its log lines about the socket (`logDetails`: no closure per socket).
 */
class LobbySocketState {
  authStarted = false;
  session: LobbySession | undefined = undefined;
  /**
   * Its lifecycle in the connection core: the auth deadline, the user's slot, `new_message`s one at a time (so one
   * sender's messages keep their order), pushes held around the welcome, the close on a revoked token.
   */
  connection!: ConnectionSession<IoFrame>;

  logDetails(): Record<string, unknown> {
    return { app: this.session?.appId };
  }
}

/**
 * The Moneypot lobby protocol over socket.io: parses events, calls LobbyService, speaks the protocol's words
 * (LobbyExceptionFilter words every refusal and fault). Broadcasts reach it through the delivery bus, for the
 * lobbies its sockets are in, and LobbyFanout hands them to socket.io's rooms.
 */
@WebSocketGateway<IoGatewayOptions>({ name: 'lobby' })
export class LobbyGateway
  implements OnGatewayInit<Server>, OnGatewayConnection<Socket>, OnModuleDestroy, BeforeApplicationShutdown
{
  // `server` and the subscription are set by `afterInit`, which only an app's WebSocket adapter calls: in a
  // module compiled without an HTTP app (a test of LobbyModule alone) they stay unset, and the shutdown hooks have
  // nothing to close.
  private server?: Server;
  private subscription!: Subscription;
  private fanout!: LobbyFanout;

  constructor(
    private readonly lobby: LobbyService,
    private readonly bus: DeliveryBus,
    private readonly edge: LobbyExceptionFilter,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly throttle: AuthThrottle,
    private readonly addresses: ClientAddresses,
    private readonly sessions: Sessions,
    private readonly authQueue: AuthQueue,
  ) {}

  afterInit(server: Server): void {
    this.server = server;
    this.sessions.declare('lobby');
    // Every auth's and every message's path: Nest's per-event exception zone, pipes and parameter resolution cost
    // more than the rest of the gateway's work for a message, and the global pipes allocated about 7 KB per auth.
    // Their failures are answered by the same exception filter. Neither reads past the payload's own fields, so the
    // JSON depth pipe has nothing to guard here.
    const { auth, newMessage } = this;
    server.on('connection', (socket: Socket) => {
      socket.on('auth', auth);
      socket.on('new_message', newMessage);
    });
    // Not a `handleDisconnect`: Nest would bind every socket a closure of its own for it (io-direct.ts).
    handleDisconnectsDirectly(server, (socket) => {
      this.signOut(socket).catch((error: unknown) => this.edge.answer(socket, undefined, error, 'disconnect'));
    });
    this.fanout = new LobbyFanout(server, this.clock, this.metrics);
    this.subscription = this.bus.subscribe(LOBBY_CHANNEL, (delivery) => this.fanout.deliver(delivery));
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
  }

  /** Takes every member out of presence while the database and the bus still work; sockets close after this. */
  async beforeApplicationShutdown(): Promise<void> {
    const sockets = this.server?.of('/').sockets.values() ?? [];
    await Promise.all([...sockets].map((socket) => this.signOut(socket)));
  }

  /** `auth`'s listener, one for every socket (socket.io calls it with the socket as `this`). */
  private readonly auth = sharedSocketListener((socket, args) => {
    const { data, ack } = eventArguments(args);
    this.onAuth(socket, data, ack).catch((error: unknown) => this.edge.answer(socket, ack, error, 'auth'));
  });

  /** `new_message`'s listener, one for every socket. */
  private readonly newMessage = sharedSocketListener((socket, args) => {
    const { data, ack } = eventArguments(args);
    this.onNewMessage(socket, data, ack).catch((error: unknown) => this.edge.answer(socket, ack, error, 'new_message'));
  });

  handleConnection(socket: Socket): void {
    const state = new LobbySocketState();
    socket.data = state;
    const transport = new IoClientTransport(socket, this.addresses.ofHandshake(socket.handshake));
    keepOriginOnly(socket.handshake);
    state.connection = this.sessions.open(socket, 'lobby', transport, { details: state });
  }

  private async onAuth(socket: Socket, payload: unknown, ack?: AckFn): Promise<void> {
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
    // Its turn among the auths of a reconnect storm (AuthQueue); the deadline waits with it.
    await state.connection.authenticating(() =>
      this.authQueue.run(() => this.signIn(socket, appId, tokenHash, ack, (since ?? null) as number | null)),
    );
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
    if (tokenHash && !session.member && (await this.throttle.guessed(state.connection.transport.address)))
      throw new LobbyRefusal('auth_throttled');
    if (session.member && !state.connection.claimUser(session.member.id, tokenHash ?? undefined))
      throw new LobbyRefusal('too_many_connections');
    if (socket.disconnected) return;
    await this.enter(socket, session, ack, since);
  }

  private async onNewMessage(socket: Socket, text: unknown, ack?: AckFn): Promise<void> {
    const { session, connection } = stateOf(socket);
    if (!session) return;
    // Answered inside the queue, so replies leave in the order the messages came.
    await connection.run(() =>
      this.lobby.say(session, text).then(
        (outcome) => sendReply(socket, ack, replyToOutcome(outcome)),
        (error: unknown) => this.edge.answer(socket, ack, error, 'new_message'),
      ),
    );
  }

  /**
   * Watches the lobby before reading its history, so nothing published meanwhile is missed; the connection core
   * holds what arrives until the ack is out; the socket then joins the socket.io room and is sent what was held,
   * minus what the history held.
   */
  private async enter(socket: Socket, session: LobbySession, ack: AckFn, since: number | null): Promise<void> {
    const { connection } = stateOf(socket);
    const room = lobbyRoom(session.chatId);
    await this.subscription.watch(room);
    this.fanout.hold(room, connection);
    let welcomed = false;
    try {
      welcomed = await connection.welcome(async () => {
        const { welcome, presenceVersion, heldUpTo } = await this.lobby.enter(session, socket.id, since);
        if (heldUpTo !== null) this.subscription.caughtUp(room, heldUpTo);
        return {
          snapshot: { messageIds: welcome.room.history.map((m) => m.id), presenceVersion },
          send: () => {
            stateOf(socket).session = session;
            ack(null, welcomeText(welcome));
            this.fanout.join(room, socket, connection);
          },
        };
      });
    } finally {
      if (!welcomed) {
        this.fanout.abandon(room, connection);
        this.subscription.unwatch(room);
      }
    }
    if (!welcomed) await this.lobby.leave(session, socket.id);
  }

  private async signOut(socket: Socket): Promise<void> {
    const state = stateOf(socket);
    const session = state.session;
    if (!session) return;
    state.session = undefined;
    const room = lobbyRoom(session.chatId);
    this.fanout.forget(room, state.connection);
    this.subscription.unwatch(room);
    try {
      await this.lobby.leave(session, socket.id);
    } catch (error) {
      this.edge.answer(socket, undefined, error, 'disconnect');
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

const NO_HEADERS: IncomingHttpHeaders = Object.freeze({});

/**
 * Of its handshake's headers a lobby socket reads only the Origin once it is open (the app's allowlist, at auth; the
 * client's address is resolved as it opens): socket.io would keep them all for the socket's life, a browser's cookies
 * and user agent included.
 */
function keepOriginOnly(handshake: Socket['handshake']): void {
  const { origin } = handshake.headers;
  handshake.headers = origin === undefined ? NO_HEADERS : { origin };
}
