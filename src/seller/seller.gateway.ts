import { type BeforeApplicationShutdown, Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { Clock } from '../common/clock.js';
import { describeFault } from '../common/refusal.js';
import { SetMap } from '../common/set-map.js';
import { sellerSettings } from '../config/areas/seller.settings.js';
import { Metrics } from '../operations/metrics.js';
import { type Delivery, DeliveryBus, type Subscription } from '../realtime/bus/delivery-bus.js';
import { AuthQueue } from '../realtime/limits/auth-queue.js';
import { AuthThrottle } from '../realtime/limits/auth-throttle.js';
import { ClientAddresses } from '../realtime/limits/client-addresses.js';
import { Sessions } from '../realtime/connection/sessions.js';
import { WsClientTransport } from '../realtime/transports/ws-client-transport.js';
import {
  configuredBy,
  type DirectFrameHandler,
  handleClosesDirectly,
  handleFramesDirectly,
  type RawWsGatewayOptions,
} from '../realtime/transports/raw-ws-adapter.js';
import { SellerChatService } from './seller-chat.service.js';
import {
  SELLER_CHANNEL,
  type SellerEvents,
  type SellerErrorCode,
  SellerRefusal,
  type SignIn,
  type SignInRequest,
  userOfRoom,
  userRoom,
} from './seller-chat.types.js';
import { type Frame, SellerConnection } from './seller-connection.js';
import { SellerErrorFilter } from './seller-error.filter.js';
import { parseRead, parseSellerFrame, parseSend, parseSignIn, parseSince } from './seller-frames.js';

/**
 * The commands it handles, every one taken straight from the transport (`afterInit`), not through `@SubscribeMessage`:
 * Nest would bind each connection a handler of its own per subscribed command, kept as long as the connection, and
 * run each frame through its exception zone and an RxJS pipeline. Each command's failures are answered by
 * SellerErrorFilter, as Nest would have; each runs in the connection's SerialQueue and checks its own input
 * (seller-frames.ts: no global pipe reads these frames).
 */
export const SELLER_DIRECT_COMMANDS = ['auth', 'message', 'read'] as const;

/**
 * The AH Chat protocol over a raw WebSocket: parses frames, calls SellerChatService, and writes the replies.
 * It also delivers the bus's pushes to this process's connections, only for chats each connection knows.
 * Its path, frame limit and heartbeat are settings (SELLER_WS_PATH, SELLER_MAX_FRAME_BYTES, SELLER_PING_INTERVAL_MS).
 */
@WebSocketGateway<RawWsGatewayOptions>({
  transport: 'ws',
  name: 'seller',
  path: '/seller',
  parser: parseSellerFrame,
  configured: configuredBy(sellerSettings, (seller) => ({
    path: seller.wsPath,
    maxPayload: seller.maxFrameBytes,
    heartbeatIntervalMs: seller.pingIntervalMs,
  })),
})
export class SellerGateway
  implements OnGatewayInit<WebSocketServer>, OnGatewayConnection<WebSocket>, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger(SellerGateway.name);
  private readonly byUser = new SetMap<number, SellerConnection>();
  private subscription!: Subscription;

  constructor(
    private readonly chat: SellerChatService,
    private readonly bus: DeliveryBus,
    private readonly clock: Clock,
    @Inject(sellerSettings.KEY) private readonly config: ConfigType<typeof sellerSettings>,
    private readonly metrics: Metrics,
    private readonly throttle: AuthThrottle,
    private readonly errors: SellerErrorFilter,
    private readonly addresses: ClientAddresses,
    private readonly sessions: Sessions,
    private readonly authQueue: AuthQueue,
  ) {}

  afterInit(server: WebSocketServer): void {
    this.sessions.declare('seller');
    const commands: Record<SellerCommand, (connection: SellerConnection, data: unknown) => Promise<unknown>> = {
      auth: (connection, data) => this.onAuth(connection, data),
      message: (connection, data) => connection.session.run(() => this.sendMessage(connection, data)),
      read: (connection, data) => connection.session.run(() => this.markRead(connection, data)),
    };
    for (const command of SELLER_DIRECT_COMMANDS) {
      handleFramesDirectly(server, command, this.answering(command, commands[command]));
    }
    // Signed-in connections are taken offline here rather than in a `handleDisconnect`: see handleClosesDirectly.
    handleClosesDirectly(server, (socket) => this.onClose(socket));
    this.subscription = this.bus.subscribe(SELLER_CHANNEL, (delivery) => this.deliver(delivery));
    this.metrics.countWaitingAuths(() => this.authQueue.waiting);
    this.metrics.countOnlineSellers(
      () => new Set(this.byUser.values().flatMap(({ user }) => (user?.kind === 'seller' ? [user.id] : []))).size,
    );
  }

  onModuleDestroy(): void {
    // Unset when the HTTP app never started: `afterInit` is called by an app's WebSocket adapter only.
    this.subscription?.close();
  }

  /** Takes every connection offline while the database is still open; sockets are closed after this. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.byUser.values().map((connection) => this.forget(connection)));
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    const transport = WsClientTransport.of(socket, request, this.addresses);
    const connection = SellerConnection.attach(socket);
    connection.session = this.sessions.open(socket, 'seller', transport, { details: connection });
  }

  private onClose(socket: WebSocket): void {
    const connection = SellerConnection.of(socket);
    if (!connection?.user) return;
    this.forget(connection).catch((error: unknown) =>
      this.logger.error(`taking a closed connection offline failed: ${describeFault(error)}`),
    );
  }

  /** A command's frames, run for their connection; what they fail with is answered in the protocol's words. */
  private answering(
    command: SellerCommand,
    run: (connection: SellerConnection, data: unknown) => Promise<unknown>,
  ): DirectFrameHandler {
    return (socket, data) => {
      const connection = SellerConnection.of(socket);
      const done = connection
        ? run(connection, data)
        : Promise.reject(new Error('frame from a socket the seller gateway never saw connect'));
      done.catch((error: unknown) => this.errors.answer(error, socket, command, data));
    };
  }

  private onAuth(connection: SellerConnection, data: unknown): Promise<void | undefined> {
    // Its turn among the auths of a reconnect storm (AuthQueue); the deadline waits with it.
    return connection.session.run(() =>
      connection.session.authenticating(() => this.authQueue.run(() => this.authenticate(connection, data))),
    );
  }

  /** A seller's tab marks a chat read up to a message; the reply is the chat's read mark (docs/seller-shop.md). */
  private async markRead(connection: SellerConnection, data: unknown): Promise<void> {
    const request = parseRead(data);
    if (!connection.user) throw new SellerRefusal('CHAT_NOT_FOUND');
    const read = await this.chat.markRead(connection.user, request, connection.id, connection.knownChats);
    connection.session.send({ command: 'read', data: read });
  }

  private async sendMessage(connection: SellerConnection, data: unknown): Promise<void> {
    const request = parseSend(data, this.config.messageMax);
    if (!connection.user) throw new SellerRefusal('CHAT_NOT_FOUND');
    const message = await this.chat.send(connection.user, request, connection.id, connection.knownChats);
    const { id, text, date, chatId } = message;
    connection.session.send({
      command: 'message',
      data: { id, text, date, chatId, clientDate: request.clientDate, my: true },
    });
  }

  /**
   * Binds the connection to its user and watches the user's room before the histories are read, so nothing
   * published meanwhile is missed; the connection core holds pushes until the auth reply is out, minus what the
   * histories held.
   */
  private async authenticate(connection: SellerConnection, data: unknown): Promise<void> {
    const { session } = connection;
    // A malformed `since` is refused before anything changes (docs/recovery.md).
    const since = parseSince(data);
    // Gone while it waited for its turn: nothing to do for it.
    if (!session.isOpen) return;
    // A second auth re-binds the connection: it first stops being whoever it was.
    if (connection.user) await this.forget(connection);
    const signIn = await this.signInLimited(session.transport.address, parseSignIn(data));
    if (!session.claimUser(signIn.user.id)) throw new SellerRefusal('TOO_MANY_CONNECTIONS');
    if (!session.isOpen) return;

    connection.user = signIn.user;
    // Signed in: no deadline from here, even while the welcome is built (the lobby's ends with its welcome).
    session.established();
    signIn.chats.forEach((chat) => connection.knownChats.set(chat.id, chat));
    this.byUser.add(signIn.user.id, connection);
    let welcomed: boolean;
    try {
      welcomed = await session.welcome(async () => {
        await this.subscription.watch(userRoom(signIn.user.id));
        const { reply, sellerStatus, heldUpTo } = await this.chat.welcome(signIn, connection.id, since);
        if (heldUpTo !== null) this.subscription.caughtUp(userRoom(signIn.user.id), heldUpTo);
        const first: Frame[] = [{ command: 'auth', data: reply }];
        if (sellerStatus) first.push({ command: 'status', data: sellerStatus });
        const messageIds = Object.values(reply.chats).flatMap((chat) => chat.messages.map((message) => message.id));
        return { snapshot: { messageIds }, send: () => first.forEach((frame) => session.send(frame)) };
      });
    } catch (error) {
      await this.forget(connection);
      throw error;
    }
    // Closed while being welcomed: the close ran before it came online, so take it offline here.
    if (!welcomed && connection.user) await this.forget(connection);
  }

  /**
   * Signs in within the address's limits: each unknown or foreign token counts against it, and once it has used
   * up its failures those are answered RATE_LIMITED (valid tokens still sign in); name-auths (each creates a
   * client) are capped per window.
   */
  private async signInLimited(address: string, request: SignInRequest): Promise<SignIn> {
    if (request.mode === 'client-name' && !(await this.throttle.nameAuth(address)))
      throw new SellerRefusal('RATE_LIMITED');
    const byToken = request.mode === 'seller' || request.mode === 'client-token';
    try {
      return await this.chat.signIn(request);
    } catch (error) {
      const guess = byToken && error instanceof SellerRefusal && GUESSES.has(error.code);
      if (guess && (await this.throttle.guessed(address))) throw new SellerRefusal('RATE_LIMITED');
      throw error;
    }
  }

  private async forget(connection: SellerConnection): Promise<void> {
    const user = connection.user;
    if (!user) return;
    connection.user = null;
    connection.session.releaseUser();
    connection.knownChats.clear();
    this.byUser.delete(user.id, connection);
    this.subscription.unwatch(userRoom(user.id));
    try {
      await this.chat.signOut(user.id, connection.id);
    } catch (error) {
      this.logger.error(`sign-out failed: ${describeFault(error)}`);
    }
  }

  private deliver(delivery: Delivery<SellerEvents>): void {
    const { room, event, data, exceptConnection, messageId } = delivery;
    const now = this.clock.now();
    for (const connection of this.byUser.of(userOfRoom(room))) {
      if (connection.id === exceptConnection || connection.session.alreadySent({ messageId }, now)) continue;
      if (delivery.event === 'chat') {
        // Told once per chat: a repeat would empty the chat in the original client.
        if (connection.knownChats.has(delivery.data.id)) continue;
        connection.knownChats.set(delivery.data.id, null);
      } else if (!connection.knownChats.has(delivery.data.chatId)) {
        continue;
      }
      connection.session.push({ frame: { command: event, data }, messageId });
      if (event === 'message') this.metrics.messagesDelivered.inc('seller');
    }
  }
}

type SellerCommand = (typeof SELLER_DIRECT_COMMANDS)[number];

/** Answers to a token auth that mean the token was a wrong guess. */
const GUESSES = new Set<SellerErrorCode>(['USER_NOT_FOUND', 'USER_IS_NOT_SELLER']);
