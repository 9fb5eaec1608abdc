import { type BeforeApplicationShutdown, Logger, type OnModuleDestroy, UseFilters } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { WebSocket, WebSocketServer } from 'ws';
import { Clock } from '../common/clock.js';
import { describeFault } from '../common/refusal.js';
import { SetMap } from '../common/set-map.js';
import { AppConfig } from '../config/app-config.js';
import { Metrics } from '../operations/metrics.js';
import { type Delivery, DeliveryBus, type Subscription } from '../realtime/delivery-bus.js';
import type { RawWsGatewayOptions } from '../realtime/raw-ws-adapter.js';
import { SellerChatService } from './seller-chat.service.js';
import { SELLER_CHANNEL, SellerRefusal, userOfRoom, userRoom } from './seller-chat.types.js';
import { type Push, SellerConnection } from './seller-connection.js';
import { SellerErrorFilter } from './seller-error.filter.js';
import { parseSellerFrame, parseSend, parseSignIn } from './seller-frames.js';

/**
 * The AH Chat protocol over a raw WebSocket: parses frames, calls SellerChatService, and writes the replies.
 * It also delivers the bus's pushes to this process's connections, only for chats each connection knows.
 * Its path, frame limit and heartbeat are the transport's, set by name ("seller") from the configuration.
 */
@WebSocketGateway<RawWsGatewayOptions>({ transport: 'ws', name: 'seller', path: '/seller', parser: parseSellerFrame })
@UseFilters(SellerErrorFilter)
export class SellerGateway
  implements OnGatewayInit<WebSocketServer>, OnGatewayConnection<WebSocket>, OnGatewayDisconnect<WebSocket>, OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger(SellerGateway.name);
  private readonly connections = new WeakMap<WebSocket, SellerConnection>();
  private readonly byUser = new SetMap<number, SellerConnection>();
  private subscription!: Subscription;

  constructor(
    private readonly chat: SellerChatService,
    private readonly bus: DeliveryBus,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
  ) {}

  afterInit(server: WebSocketServer): void {
    this.subscription = this.bus.subscribe(SELLER_CHANNEL, (delivery) => this.deliver(delivery));
    this.metrics.countConnections('seller', () => server.clients.size);
    this.metrics.countOnlineSellers(
      () => new Set(this.byUser.values().flatMap(({ signIn }) => (signIn?.user.kind === 'seller' ? [signIn.user.id] : []))).size,
    );
  }

  onModuleDestroy(): void {
    this.subscription.close();
  }

  /** Takes every connection offline while the database is still open; sockets are closed after this. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.byUser.values().map((connection) => this.forget(connection)));
  }

  handleConnection(socket: WebSocket): void {
    const connection = new SellerConnection(socket, this.config.connectionQueueMax);
    this.connections.set(socket, connection);
    this.logger.debug({ event: 'connection_open', protocol: 'seller', connection: connection.id });
  }

  async handleDisconnect(socket: WebSocket): Promise<void> {
    const connection = this.connections.get(socket);
    const user = connection?.signIn?.user.id;
    this.logger.debug({ event: 'connection_close', protocol: 'seller', connection: connection?.id, user, chats: [...(connection?.knownChats ?? [])] });
    if (connection?.signIn) await this.forget(connection);
  }

  @SubscribeMessage('auth')
  onAuth(@ConnectedSocket() socket: WebSocket, @MessageBody() data: unknown): Promise<void> {
    const connection = this.connectionOf(socket);
    return connection.queue.run(() => this.authenticate(connection, data));
  }

  @SubscribeMessage('message')
  onMessage(@ConnectedSocket() socket: WebSocket, @MessageBody() data: unknown): Promise<void> {
    const connection = this.connectionOf(socket);
    return connection.queue.run(async () => {
      const request = parseSend(data);
      if (!connection.signIn) throw new SellerRefusal('CHAT_NOT_FOUND');
      const message = await this.chat.send(connection.signIn.user, request, connection.id);
      connection.send({ command: 'message', data: { ...message, clientDate: request.clientDate, my: true } });
    });
  }

  /**
   * Binds the connection to its user and watches the user's room before the histories are read, so nothing
   * published meanwhile is missed; pushes are held until the auth reply is out, minus what the histories held.
   */
  private async authenticate(connection: SellerConnection, data: unknown): Promise<void> {
    // A second auth re-binds the connection: it first stops being whoever it was.
    if (connection.signIn) await this.forget(connection);
    const signIn = await this.chat.signIn(parseSignIn(data));
    if (!isOpen(connection.socket)) return;

    connection.gate.hold();
    connection.signIn = signIn;
    signIn.chats.forEach((chat) => connection.knownChats.add(chat.id));
    this.byUser.add(signIn.user.id, connection);
    try {
      await this.subscription.watch(userRoom(signIn.user.id));
      const { reply, sellerStatus } = await this.chat.welcome(signIn, connection.id);
      const first: Push[] = [{ frame: { command: 'auth', data: reply } }];
      if (sellerStatus) first.push({ frame: { command: 'status', data: sellerStatus } });
      const messageIds = Object.values(reply.chats).flatMap((chat) => chat.messages.map((message) => message.id));
      const release = connection.gate.release(first, { messageIds }, this.clock.now(), this.config.lateDeliveryWindowMs);
      release.forEach((push) => connection.send(push.frame));
    } catch (error) {
      // Its auth reply never went out, so nothing it was about to hear may reach it.
      connection.gate.discard();
      await this.forget(connection);
      throw error;
    }
    // Closed while being welcomed: the disconnect hook ran before it came online, so take it offline here.
    if (!isOpen(connection.socket) && connection.signIn) await this.forget(connection);
  }

  private async forget(connection: SellerConnection): Promise<void> {
    const signIn = connection.signIn;
    if (!signIn) return;
    connection.signIn = null;
    connection.knownChats.clear();
    this.byUser.delete(signIn.user.id, connection);
    this.subscription.unwatch(userRoom(signIn.user.id));
    try {
      await this.chat.signOut(signIn.user.id, connection.id);
    } catch (error) {
      this.logger.error(`sign-out failed: ${describeFault(error)}`);
    }
  }

  private deliver({ room, event, data, exceptConnection, messageId }: Delivery): void {
    const payload = data as { id?: number; chatId?: number };
    const now = this.clock.now();
    for (const connection of this.byUser.of(userOfRoom(room))) {
      if (connection.id === exceptConnection || connection.gate.alreadySent({ messageId }, now)) continue;
      if (event === 'chat') {
        // Told once per chat: a repeat would empty the chat in the original client.
        if (connection.knownChats.has(payload.id as number)) continue;
        connection.knownChats.add(payload.id as number);
      } else if (!connection.knownChats.has(payload.chatId as number)) {
        continue;
      }
      connection.push({ frame: { command: event, data }, messageId });
      if (event === 'message') this.metrics.messagesDelivered.inc({ protocol: 'seller' });
    }
  }

  private connectionOf(socket: WebSocket): SellerConnection {
    const connection = this.connections.get(socket);
    if (!connection) throw new Error('frame from a socket the seller gateway never saw connect');
    return connection;
  }
}

function isOpen(socket: WebSocket): boolean {
  return socket.readyState === socket.OPEN;
}
