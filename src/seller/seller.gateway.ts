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
import { AppConfig } from '../config/app-config.js';
import { type Delivery, DeliveryBus } from '../realtime/delivery-bus.js';
import type { RawWsGatewayOptions } from '../realtime/transport-router.adapter.js';
import { SellerChatService } from './seller-chat.service.js';
import { SELLER_CHANNEL, SellerRefusal, userOfRoom } from './seller-chat.types.js';
import { type Frame, SellerConnection, SellerConnections } from './seller-connection.js';
import { SellerErrorFilter } from './seller-error.filter.js';
import { parseSend, parseSignIn } from './seller-frames.js';

/**
 * The AH Chat protocol over a raw WebSocket: parses frames, calls SellerChatService, and writes the replies.
 * It also delivers the bus's pushes to this process's connections, only for chats each connection knows.
 * (The path in the decorator is the default; TransportRouterAdapter serves it at SELLER_WS_PATH.)
 */
@WebSocketGateway<RawWsGatewayOptions>({ transport: 'ws', path: '/seller' })
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
  private readonly byUser = new SellerConnections();
  private unsubscribe?: () => void;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly chat: SellerChatService,
    private readonly bus: DeliveryBus,
    private readonly config: AppConfig,
  ) {}

  afterInit(server: WebSocketServer): void {
    this.unsubscribe = this.bus.subscribe(SELLER_CHANNEL, (delivery) => this.deliver(delivery));
    // A peer that missed the previous ping is gone (a dead network path sends no close): terminating it
    // closes the connection, which takes its user offline.
    this.heartbeat = setInterval(() => {
      for (const socket of server.clients) {
        const connection = this.connections.get(socket);
        if (!connection) continue;
        if (!connection.alive) socket.terminate();
        else {
          connection.alive = false;
          socket.ping();
        }
      }
    }, this.config.sellerPingIntervalMs);
    this.heartbeat.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    this.unsubscribe?.();
  }

  /** Takes every connection offline while the database is still open; sockets are closed after this. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.byUser.all().map((connection) => this.forget(connection)));
  }

  handleConnection(socket: WebSocket): void {
    const connection = new SellerConnection(socket);
    this.connections.set(socket, connection);
    socket.on('pong', () => (connection.alive = true));
  }

  async handleDisconnect(socket: WebSocket): Promise<void> {
    const connection = this.connections.get(socket);
    if (connection?.signIn) await this.forget(connection);
  }

  @SubscribeMessage('auth')
  onAuth(@ConnectedSocket() socket: WebSocket, @MessageBody() data: unknown): Promise<void> {
    const connection = this.connectionOf(socket);
    return connection.serially(() => this.authenticate(connection, data));
  }

  @SubscribeMessage('message')
  onMessage(@ConnectedSocket() socket: WebSocket, @MessageBody() data: unknown): Promise<void> {
    const connection = this.connectionOf(socket);
    return connection.serially(async () => {
      const request = parseSend(data);
      if (!connection.signIn) throw new SellerRefusal('CHAT_NOT_FOUND');
      const message = await this.chat.send(connection.signIn.user, request, connection.id);
      connection.send({ command: 'message', data: { ...message, clientDate: request.clientDate, my: true } });
    });
  }

  private async authenticate(connection: SellerConnection, data: unknown): Promise<void> {
    // A second auth re-binds the connection: it first stops being whoever it was.
    if (connection.signIn) await this.forget(connection);
    const signIn = await this.chat.signIn(parseSignIn(data));
    if (!isOpen(connection.socket)) return;

    connection.hold();
    connection.signIn = signIn;
    signIn.chats.forEach((chat) => connection.knownChats.add(chat.id));
    this.byUser.bind(connection, signIn.user.id);
    try {
      const { reply, sellerStatus } = await this.chat.welcome(signIn, connection.id);
      const first: Frame[] = [{ command: 'auth', data: reply }];
      if (sellerStatus) first.push({ command: 'status', data: sellerStatus });
      connection.release(first);
    } catch (error) {
      await this.forget(connection);
      connection.release([]);
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
    this.byUser.unbind(connection, signIn.user.id);
    try {
      await this.chat.signOut(signIn.user.id, connection.id);
    } catch (error) {
      this.logger.error(`sign-out failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private deliver({ room, event, data, exceptConnection }: Delivery): void {
    const userId = userOfRoom(room);
    const payload = data as { id?: number; chatId?: number };
    for (const connection of this.byUser.of(userId)) {
      if (connection.id === exceptConnection) continue;
      if (event === 'chat') {
        // Told once per chat: a repeat would empty the chat in the original client.
        if (connection.knownChats.has(payload.id as number)) continue;
        connection.knownChats.add(payload.id as number);
      } else if (!connection.knownChats.has(payload.chatId as number)) {
        continue;
      }
      connection.send({ command: event, data });
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
