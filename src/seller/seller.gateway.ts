import { type BeforeApplicationShutdown, Inject, Logger, type OnModuleDestroy, UseFilters } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
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

/** Commands taken straight from the transport, off Nest's per-frame path (`afterInit`), not `@SubscribeMessage`. */
export const SELLER_DIRECT_COMMANDS = ['message'] as const;

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
@UseFilters(SellerErrorFilter)
export class SellerGateway
  implements
    OnGatewayInit<WebSocketServer>,
    OnGatewayConnection<WebSocket>,
    OnGatewayDisconnect<WebSocket>,
    OnModuleDestroy,
    BeforeApplicationShutdown
{
  private readonly logger = new Logger(SellerGateway.name);
  private readonly connections = new WeakMap<WebSocket, SellerConnection>();
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
    const direct: Record<(typeof SELLER_DIRECT_COMMANDS)[number], DirectFrameHandler> = {
      message: (socket, data) => this.onMessage(socket, data),
    };
    for (const command of SELLER_DIRECT_COMMANDS) handleFramesDirectly(server, command, direct[command]);
    this.subscription = this.bus.subscribe(SELLER_CHANNEL, (delivery) => this.deliver(delivery));
    this.metrics.countWaitingAuths(() => this.authQueue.waiting);
    this.metrics.countOnlineSellers(
      () =>
        new Set(this.byUser.values().flatMap(({ signIn }) => (signIn?.user.kind === 'seller' ? [signIn.user.id] : [])))
          .size,
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
    const connection = new SellerConnection();
    connection.session = this.sessions.open(socket, 'seller', transport, { details: connection });
    this.connections.set(socket, connection);
  }

  async handleDisconnect(socket: WebSocket): Promise<void> {
    const connection = this.connections.get(socket);
    if (connection?.signIn) await this.forget(connection);
  }

  @SubscribeMessage('auth')
  onAuth(@ConnectedSocket() socket: WebSocket, @MessageBody() data: unknown): Promise<void> {
    const connection = this.connectionOf(socket);
    // Its turn among the auths of a reconnect storm (AuthQueue); the deadline waits with it.
    return connection.session.run(() =>
      connection.session.authenticating(() => this.authQueue.run(() => this.authenticate(connection, data))),
    );
  }

  /** A seller's tab marks a chat read up to a message; the reply is the chat's read mark (docs/seller-shop.md). */
  @SubscribeMessage('read')
  onRead(@ConnectedSocket() socket: WebSocket, @MessageBody() data: unknown): Promise<void> {
    const connection = this.connectionOf(socket);
    return connection.session.run(async () => {
      const request = parseRead(data);
      if (!connection.signIn) throw new SellerRefusal('CHAT_NOT_FOUND');
      const read = await this.chat.markRead(connection.signIn.user, request, connection.id, connection.knownChats);
      connection.session.send({ command: 'read', data: read });
    });
  }

  /**
   * `message` frames, the protocol's busiest, come straight from the transport (see `afterInit`) and their
   * failures are answered by the same filter as the rest.
   */
  private onMessage(socket: WebSocket, data: unknown): void {
    const connection = this.connections.get(socket);
    const sent = connection
      ? connection.session.run(() => this.sendMessage(connection, data))
      : Promise.reject(new Error('frame from a socket the seller gateway never saw connect'));
    sent.catch((error: unknown) => this.errors.answer(error, socket, 'message', data));
  }

  private async sendMessage(connection: SellerConnection, data: unknown): Promise<void> {
    const request = parseSend(data, this.config.messageMax);
    if (!connection.signIn) throw new SellerRefusal('CHAT_NOT_FOUND');
    const message = await this.chat.send(connection.signIn.user, request, connection.id, connection.knownChats);
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
    if (connection.signIn) await this.forget(connection);
    const signIn = await this.signInLimited(session.transport.address, parseSignIn(data));
    if (!(await session.claimUser(signIn.user.id))) throw new SellerRefusal('TOO_MANY_CONNECTIONS');
    if (!session.isOpen) return;

    connection.signIn = signIn;
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
    // Closed while being welcomed: the disconnect hook ran before it came online, so take it offline here.
    if (!welcomed && connection.signIn) await this.forget(connection);
    // Online: the user is all it needs from here (its chats are in knownChats, a new client's token was in the reply).
    else if (welcomed && connection.signIn === signIn) connection.signIn = welcomedAs(signIn);
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
    const signIn = connection.signIn;
    if (!signIn) return;
    connection.signIn = null;
    connection.session.releaseUser();
    connection.knownChats.clear();
    this.byUser.delete(signIn.user.id, connection);
    this.subscription.unwatch(userRoom(signIn.user.id));
    try {
      await this.chat.signOut(signIn.user.id, connection.id);
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

  private connectionOf(socket: WebSocket): SellerConnection {
    const connection = this.connections.get(socket);
    if (!connection) throw new Error('frame from a socket the seller gateway never saw connect');
    return connection;
  }
}

/** A sign-in once its auth reply is out: its user (a literal, so its fields stay in the object itself). */
function welcomedAs({ user, offlineMessages }: SignIn): SignIn {
  return { user, chats: NO_CHATS, newChat: null, newToken: null, offlineMessages };
}

const NO_CHATS: SignIn['chats'] = [];

/** Answers to a token auth that mean the token was a wrong guess. */
const GUESSES = new Set<SellerErrorCode>(['USER_NOT_FOUND', 'USER_IS_NOT_SELLER']);
