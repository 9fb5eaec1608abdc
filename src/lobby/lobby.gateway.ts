import { Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  Ack,
  ConnectedSocket,
  MessageBody,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { normalizeTokenHash } from '../auth/tokens.js';
import { AppConfig } from '../config/app-config.js';
import { DeliveryBus } from '../realtime/delivery-bus.js';
import { LobbyRefusal } from './lobby-errors.js';
import { AUTH_ERRORS, INTERNAL_ERROR, type LobbyReply, replyToOutcome, replyToRefusal } from './lobby-replies.js';
import { LobbyService } from './lobby.service.js';
import { LOBBY_CHANNEL, type LobbySession, lobbyRoom } from './lobby.types.js';

type AckFn = (...args: unknown[]) => void;

/** What the gateway remembers about one socket, kept in `socket.data`. */
interface LobbySocketState {
  authStarted?: boolean;
  session?: LobbySession;
  /** new_message handling of this socket, chained so one sender's messages keep their order. */
  pending?: Promise<void>;
}

/** The Moneypot lobby protocol over socket.io: parses events, calls LobbyService, speaks the protocol's words. */
@WebSocketGateway()
export class LobbyGateway implements OnGatewayInit<Server>, OnGatewayDisconnect<Socket>, OnModuleDestroy {
  private readonly logger = new Logger(LobbyGateway.name);
  private unsubscribe?: () => void;

  constructor(
    private readonly lobby: LobbyService,
    private readonly bus: DeliveryBus,
    private readonly config: AppConfig,
  ) {}

  afterInit(server: Server): void {
    this.unsubscribe = this.bus.subscribe(LOBBY_CHANNEL, ({ room, event, data, exceptConnection }) => {
      const target = exceptConnection ? server.to(room).except(exceptConnection) : server.to(room);
      target.emit(event, data);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  @SubscribeMessage('auth')
  async onAuth(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown, @Ack() ack?: AckFn): Promise<void> {
    const state = socket.data as LobbySocketState;
    if (state.authStarted) return;
    state.authStarted = true;

    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      return void socket.emit('client_error', AUTH_ERRORS.notObject);
    }
    const { app_id: appId, hashed_token: hashedToken, token_hash: legacyTokenHash } = payload as Record<string, unknown>;
    if (typeof appId !== 'number') return void socket.emit('client_error', AUTH_ERRORS.noAppId);
    if (!ack) return void socket.emit('client_error', AUTH_ERRORS.noCallback);
    const tokenHash = normalizeTokenHash(isNonEmptyString(hashedToken) ? hashedToken : legacyTokenHash);

    let session: LobbySession;
    try {
      session = await this.lobby.authenticate(appId, tokenHash);
    } catch (error) {
      return this.reply(socket, ack, this.replyToError(error, 'auth'));
    }
    if (socket.disconnected) return;

    await socket.join(lobbyRoom(session.chatId));
    try {
      const welcome = await this.lobby.enter(session, socket.id);
      if (socket.disconnected) return void (await this.lobby.leave(session, socket.id));
      state.session = session;
      ack(null, welcome);
    } catch (error) {
      await socket.leave(lobbyRoom(session.chatId));
      this.reply(socket, ack, this.replyToError(error, 'auth'));
    }
  }

  @SubscribeMessage('new_message')
  onNewMessage(@ConnectedSocket() socket: Socket, @MessageBody() text: unknown, @Ack() ack?: AckFn): Promise<void> {
    const state = socket.data as LobbySocketState;
    const { session } = state;
    if (!session) return Promise.resolve();
    state.pending = (state.pending ?? Promise.resolve()).then(async () => {
      try {
        this.reply(socket, ack, replyToOutcome(await this.lobby.say(session, text)));
      } catch (error) {
        this.reply(socket, ack, this.replyToError(error, 'new_message'));
      }
    });
    return state.pending;
  }

  async handleDisconnect(socket: Socket): Promise<void> {
    const { session } = socket.data as LobbySocketState;
    if (!session) return;
    try {
      await this.lobby.leave(session, socket.id);
    } catch (error) {
      this.logger.error(`leaving lobby ${session.appId} failed: ${describe(error)}`);
    }
  }

  private replyToError(error: unknown, event: string): LobbyReply {
    if (error instanceof LobbyRefusal) return replyToRefusal(error, this.config.lobbyMessageMax);
    this.logger.error(`${event} failed: ${describe(error)}`);
    return INTERNAL_ERROR;
  }

  private reply(socket: Socket, ack: AckFn | undefined, reply: LobbyReply): void {
    if (reply.to === 'ack') ack?.(...reply.args);
    else socket.emit(reply.to, reply.text);
  }
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Error name and message only: stacks and query parameters may carry tokens or message text. */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
