import type { IncomingMessage } from 'node:http';
import { type INestApplicationContext, Logger } from '@nestjs/common';
import type { Socket as EngineSocket } from 'engine.io';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Namespace, Server, ServerOptions, Socket } from 'socket.io';
import { answerAcksDirectly } from '../internals/direct-acks.js';
import { serveEio3PollingAsBinary } from '../internals/eio3-binary-polling.js';
import { releaseUpgradeRequests } from '../internals/upgrade-request-release.js';
import { sessionEnd } from '../internals/engine-session-end.js';
import type { Admit } from '../connection/handshake.js';
import { bindIoMessageHandlers } from './io-message-handlers.js';
import { bindDisconnect, countGateway } from './io-direct.js';
import { jsonTextParser } from '../connection/json-text.js';
import { unsolicitedPongRefusal } from '../internals/engine-heartbeat.js';
import { engineSocketBound } from '../internals/outgoing-bound.js';
import { limitPendingSessions } from '../limits/pending-session-limit.js';
import type { ClientAddresses } from '../limits/client-addresses.js';
import { describeFault } from '../../common/refusal.js';
import type { UpgradeOwner } from './transport-router.adapter.js';

/** What a socket.io gateway may declare beside Nest's options: its name in metrics (default `socket.io`). */
export interface IoGatewayOptions {
  name?: string;
}

/** The settings socket.io serves by, from three areas: `http`, `lobby` and `connections` (configureApp). */
export interface IoTransportSettings {
  /** CORS_ORIGINS: the origins whose pages may poll, with credentials. */
  corsOrigins: string[];
  /** LOBBY_PENDING_SESSIONS_PER_IP */
  pendingSessionsPerIp: number;
  /** OUTGOING_BUFFER_MAX_BYTES */
  outgoingBufferMaxBytes: number;
}

/**
 * socket.io with the settings real lobby widgets need: legacy socket.io-client 1.x/2.x (EIO3), both
 * transports, and cross-origin polling from the sites that embed them. Every new Engine.IO session passes the
 * handshake check first (engine.io's `allowRequest`, which runs for handshakes only, on either transport), and
 * every session is dropped once it has more unsent than OUTGOING_BUFFER_MAX_BYTES (outgoing-bound.ts). Acks of the
 * default namespace's sockets are written directly where engine.io holds nothing for them (direct-acks.ts).
 */
export class ChatgateIoAdapter extends IoAdapter implements UpgradeOwner {
  private readonly log = new Logger('Lobby');
  /** Where its servers take WebSocket upgrades: each one's path, with a trailing slash, as engine.io matches it. */
  private readonly upgradePaths: string[] = [];
  /** The names socket.io gateways declared (`@WebSocketGateway<IoGatewayOptions>({ name })`), in their order. */
  private readonly names = new Set<string>();
  /** What admitted handshakes must give back when their session ends, until engine.io turns them into sessions. */
  private readonly releases = new WeakMap<IncomingMessage, { release: () => void; stopWatching: () => void }>();

  constructor(
    app: INestApplicationContext,
    private readonly settings: IoTransportSettings,
    private readonly admit: Admit,
    private readonly addresses: ClientAddresses,
  ) {
    super(app);
  }

  override create(port: number, options?: Parameters<IoAdapter['create']>[1]): ReturnType<IoAdapter['create']> {
    if (!options) return super.create(port);
    const { name, ...rest } = options as typeof options & IoGatewayOptions;
    if (name) this.names.add(name);
    return super.create(port, rest);
  }

  /**
   * What metrics call a socket.io handshake: it comes before any namespace, so it belongs to every socket.io
   * gateway at once (the built-in app's: `lobby`).
   */
  private gatewayName(): string {
    return this.names.size > 0 ? [...this.names].join('+') : 'socket.io';
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origins = this.settings.corsOrigins;
    const server: Server = super.createIOServer(port, {
      ...(options as ServerOptions),
      allowEIO3: true,
      transports: ['polling', 'websocket'],
      // socket.io-client 2.x polls with credentials by default, which needs the origin reflected, not '*'.
      cors: { origin: origins.includes('*') ? true : origins, credentials: true },
      // A lobby frame is at most a short text; larger ones are hostile.
      maxHttpBufferSize: 64 * 1024,
      // Lets a handler send a payload serialized once for many sockets (JsonText).
      parser: jsonTextParser,
      // engine.io would end every upgrade on another path, a raw-ws gateway's included, after a second unless answered,
      // with an 'error' closure of its own left on each for the connection's life: TransportRouterAdapter ends those
      // nobody serves instead.
      destroyUpgrade: false,
      allowRequest: (request, callback) => {
        this.admit(request, { kind: 'socket.io', gateway: this.gatewayName() }).then(
          ({ refusal, release }) => {
            if (!refusal) this.holdRelease(request, release);
            callback(refusal?.reason ?? null, refusal === null);
          },
          (error: unknown) => {
            this.log.error(`handshake check failed: ${describeFault(error)}`);
            callback('unavailable', false);
          },
        );
      },
    });
    this.upgradePaths.push(server.path().replace(/\/$/, '') + '/');
    serveEio3PollingAsBinary(server.engine);
    releaseUpgradeRequests(server.engine);
    limitPendingSessions(server.engine, this.settings.pendingSessionsPerIp, (request) =>
      this.addresses.limitKeyOf(request),
    );
    const max = this.settings.outgoingBufferMaxBytes;
    // Both made once: every session shares their listeners.
    const bound = engineSocketBound(max, () =>
      this.log.warn(`dropping a lobby connection with over ${max} bytes unsent (it stopped reading)`),
    );
    const watchPongs = unsolicitedPongRefusal(() =>
      this.log.warn('closing a lobby connection that sent a pong for no ping'),
    );
    server.engine.on('connection', (socket: EngineSocket) => {
      const held = this.releases.get(socket.request);
      this.releases.delete(socket.request);
      if (held) {
        held.stopWatching();
        sessionEnd(socket).on('close', held.release); // 'close' comes once: `on` spares once's wrapper
      }
      bound(socket);
      watchPongs(socket);
    });
    // engine.io keeps each session's handshake request for the session's life, but nothing reads it once socket.io
    // has built `socket.handshake` from it (address, headers, query; the checks above ran at the handshake). With the
    // upgrade's response letting go of its request too (releaseUpgradeRequests), a session holds no IncomingMessage.
    server.on('connection', (socket: Socket) => {
      (socket.conn as { request?: IncomingMessage }).request = undefined;
      answerAcksDirectly(socket);
    });
    return server;
  }

  servesUpgrade(request: IncomingMessage): boolean {
    const url = request.url ?? '';
    return this.upgradePaths.some((path) => url.startsWith(path));
  }

  override bindMessageHandlers(socket: Socket, handlers: Parameters<IoAdapter['bindMessageHandlers']>[1]): void {
    // Nest's `transform` argument is left out on purpose: bindIoMessageHandlers unwraps results itself.
    bindIoMessageHandlers(socket, handlers, this.handlerFailed);
  }

  /** The gateway's exception filter has answered the client; what reaches here is a filter's own failure. */
  private readonly handlerFailed = (error: unknown): void => {
    this.log.error(`handler failed: ${describeFault(error)}`);
  };

  override bindClientConnect(server: Server | Namespace, callback: (...args: unknown[]) => void): void {
    countGateway(server);
    super.bindClientConnect(server, callback);
  }

  /**
   * Nest's callback is added as it is, instead of IoAdapter's arrow around it under `once`'s wrapper, and not at all
   * where the namespace's gateways take their disconnects directly (io-direct.ts).
   */
  override bindClientDisconnect(client: Socket, callback: (reason: string) => void): void {
    bindDisconnect(client, callback);
  }

  /**
   * Keeps an admitted handshake's release until its session opens (then it runs when the session closes). A later
   * check can still refuse the handshake (the pending-session bound): its HTTP connection closing gives it back.
   */
  private holdRelease(request: IncomingMessage, release: () => void): void {
    const connection = request.socket;
    const onClose = () => {
      if (this.releases.delete(request)) release();
    };
    // Stopped once the session opens: the listener would keep the request alive as long as the TCP connection.
    this.releases.set(request, { release, stopWatching: () => connection.off('close', onClose) });
    connection.on('close', onClose);
  }
}
