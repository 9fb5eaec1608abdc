import { type IncomingMessage, type Server as HttpServer, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type INestApplicationContext, Logger } from '@nestjs/common';
import type { ConfigFactoryKeyHost } from '@nestjs/config';
import { WsAdapter } from '@nestjs/platform-ws';
import { WebSocket, WebSocketServer } from 'ws';
import type { Admit } from '../connection/handshake.js';
import { boundedWebSocketClass } from '../internals/outgoing-bound.js';
import { rawWsGatewaysOf, refuseSharedPaths } from './raw-ws-gateways.js';
import type { UpgradeOwner } from './transport-router.adapter.js';
import { RawWsHeartbeat } from '../connection/raw-ws-heartbeat.js';
import {
  type FrameParser,
  isRawWsClient,
  type MessageHandlers,
  onClientClose,
  onFrame,
  type RawWsClient,
  type Endpoint,
  rawWsClientClass,
} from './raw-ws-client.js';
import { endpointOf, registerEndpoint } from './raw-ws-direct.js';
import { describeFault } from '../../common/refusal.js';
import type { ConnectionSettings } from '../../config/areas/connections.settings.js';
import { settingsOf } from '../../config/settings-area.js';
import { requestPath } from './request-path.js';

export type { DirectFrameHandler, FrameParser } from './raw-ws-client.js';
export { handleClosesDirectly, handleFramesDirectly } from './raw-ws-direct.js';

/**
 * What a raw-ws gateway declares: `@WebSocketGateway<RawWsGatewayOptions>({ transport: 'ws', name: 'echo',
 * path: '/echo' })`: its name (in metrics and logs), path, parser, frame limit and heartbeat. A gateway whose
 * settings are configurable reads them from its own settings area with `configured` (see `configuredBy`), which
 * overrides what it declares (the seller chat's SELLER_WS_PATH, SELLER_MAX_FRAME_BYTES and SELLER_PING_INTERVAL_MS).
 */
export interface RawWsGatewayOptions {
  transport: 'ws';
  name: string;
  path: string;
  configured?: ConfiguredRawWsSettings;
  /** Default: JSON `{event, data}` text frames, as Nest's WsAdapter reads them. */
  parser?: FrameParser;
  /** Largest frame in bytes; a larger one closes the connection with 1009. Default 64 KiB. */
  maxPayload?: number;
  /** Ping interval; a connection that missed the previous ping is terminated. 0 turns it off. Default 30 s. */
  heartbeatIntervalMs?: number;
  /** Bytes a connection may have unsent; past it the connection is terminated. Default: OUTGOING_BUFFER_MAX_BYTES. */
  maxBufferedBytes?: number;
}

export type RawWsSettings = Partial<
  Pick<RawWsGatewayOptions, 'path' | 'maxPayload' | 'heartbeatIntervalMs' | 'maxBufferedBytes'>
>;

/** A gateway's settings read from one area of the configuration, as the app provides it (`configuredBy`). */
export interface ConfiguredRawWsSettings {
  area: ConfigFactoryKeyHost<any>;
  /** Called with the area's values, whose type `configuredBy` checked. */
  settings: (area: any) => RawWsSettings;
}

/**
 * `configured: configuredBy(sellerSettings, (seller) => ({ path: seller.wsPath }))`: the gateway's settings from its
 * own area (src/config/areas/), which the adapter reads from the app, as a service injects it.
 */
export function configuredBy<T>(
  area: ConfigFactoryKeyHost<T>,
  settings: (area: T) => RawWsSettings,
): ConfiguredRawWsSettings {
  return { area, settings };
}

const DEFAULTS = { maxPayload: 64 * 1024, heartbeatIntervalMs: 30_000 };

/**
 * Raw WebSocket gateways on the app's own HTTP server, each at its own path with its own parser, frame limit and
 * heartbeat: Nest's WsAdapter (@nestjs/platform-ws), which makes each gateway's server on the app's port, keeps the
 * registry of paths and tells Nest when a client closes, extended where the connection core needs more. Each
 * override says what WsAdapter cannot do: answer only its own paths and judge each upgrade first (its upgrade
 * listener destroys every upgrade it does not serve, socket.io's among them), a parser per gateway (its parser is one
 * for the adapter), frames dispatched without an RxJS pipeline per frame, and a "going away" close on shutdown.
 * What it knows of each connection is kept on the socket, with listeners shared by all (raw-ws-client.ts).
 */
export class RawWsAdapter extends WsAdapter implements UpgradeOwner {
  private readonly log = new Logger('RawWs');
  private readonly endpoints = new Map<string, Endpoint>();
  private upgradeListener: {
    server: HttpServer;
    listener: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
  } | null = null;
  private pathsChecked = false;

  constructor(
    private readonly app: INestApplicationContext,
    private readonly connections: ConnectionSettings,
    private readonly admit: Admit,
  ) {
    super(app);
  }

  override create(port: number, options?: RawWsGatewayOptions): WebSocketServer {
    if (!options?.name || !options.path) throw new Error('a raw-ws gateway declares a name and a path');
    if (port !== 0)
      throw new Error(`raw-ws gateway "${options.name}" declares a port: raw-ws gateways share the app's port`);
    // Before the first server: Nest never calls `create` for a gateway it merges into another's server.
    if (!this.pathsChecked) refuseSharedPaths(rawWsGatewaysOf(this.app), (declared) => this.pathOf(declared));
    this.pathsChecked = true;
    const { name, parser = parseJsonEvent, configured, ...declared } = options;
    const { path, maxPayload, heartbeatIntervalMs, maxBufferedBytes } = {
      ...DEFAULTS,
      maxBufferedBytes: this.connections.outgoingBufferMaxBytes,
      ...declared,
      ...this.configuredSettings(configured),
    };
    if (path.startsWith('/socket.io')) throw new Error(`raw-ws gateway "${name}": path ${path} is socket.io's`);
    const dropped = () =>
      this.log.warn(`${name}: dropping a connection with over ${maxBufferedBytes} bytes unsent (it stopped reading)`);
    const heartbeat = heartbeatIntervalMs > 0 ? new RawWsHeartbeat(heartbeatIntervalMs) : null;
    const onError = this.protocolErrorLogger(name);
    // Its sockets' class holds it, so it is made before its server (set right after).
    const endpoint = {
      name,
      path,
      parser,
      heartbeat,
      clients: new Set(),
      direct: new Map(),
      closed: null,
      onError,
      log: this.log,
    } as Omit<Endpoint, 'server'> as Endpoint;
    // WsAdapter makes the server (noServer, on the app's port: `ensureHttpServerExists` below) and registers its path.
    const server = super.create(port, {
      path,
      maxPayload,
      clientTracking: false,
      WebSocket: rawWsClientClass(boundedWebSocketClass(maxBufferedBytes, dropped), endpoint),
    }) as WebSocketServer;
    endpoint.server = server;
    this.endpoints.set(path, endpoint);
    registerEndpoint(server, endpoint);
    return server;
  }

  /**
   * WsAdapter's own upgrade listener serves its registered paths and destroys every other upgrade, which on the
   * app's one port would cut socket.io's websocket upgrades; and it admits without the handshake checks. This one
   * judges each upgrade on a gateway's path first (origin, caps) and leaves every other path to its owner.
   */
  protected override ensureHttpServerExists(port: number, httpServer?: HttpServer): HttpServer | undefined {
    if (this.httpServersRegistry.has(port) || !httpServer) return undefined;
    this.httpServersRegistry.set(port, httpServer);
    this.listenForUpgrades(httpServer);
    return httpServer;
  }

  /**
   * WsAdapter logs every client's socket error with its stack: a client's protocol violation (an oversized frame,
   * say) is that client's problem, logged in one line per connection instead (`accept`).
   */
  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    return server;
  }

  servesUpgrade(request: IncomingMessage): boolean {
    return this.endpoints.has(requestPath(request.url) ?? '');
  }

  /** Where a gateway is served: its declared path, unless its configured settings move it. */
  private pathOf(declared: RawWsGatewayOptions): string {
    return this.configuredSettings(declared.configured).path ?? declared.path;
  }

  private configuredSettings(configured: ConfiguredRawWsSettings | undefined): RawWsSettings {
    return configured ? configured.settings(settingsOf(this.app, configured.area)) : {};
  }

  /**
   * A parser per gateway, where WsAdapter has one for the adapter; and Nest's `_transform` wraps every handler result in an RxJS pipeline (`from(…).pipe(mergeAll())`), once per frame;
   * `reply` awaits a plain value or promise directly and subscribes only to an Observable a handler returns.
   */
  override bindMessageHandlers(client: WebSocket, handlers: MessageHandlers, _transform: unknown): void {
    if (!isRawWsClient(client)) throw new Error('RawWsAdapter: a client it did not accept');
    // A gateway taking all its events directly gets an empty list per connection: the shared one does.
    if (handlers.length > 0) client.handlers = handlers;
    client.on('message', onFrame);
  }

  /**
   * Nest's disconnect hook, run by the connection's one shared 'close' listener (raw-ws-client.ts). A gateway that
   * takes its closes directly has no `handleDisconnect`: the hook would only feed a subject nobody reads, so it is
   * not kept.
   */
  override bindClientDisconnect(client: WebSocket, callback: (...args: unknown[]) => void): void {
    if (!isRawWsClient(client)) client.once('close', callback);
    else if (client.endpoint.closed) return;
    else if (client.disconnected === null) client.disconnected = callback;
    else client.once('close', callback);
  }

  /**
   * Closes with 1001 ("going away"), so clients know to reconnect elsewhere, where WsAdapter terminates them;
   * stragglers are cut after a second.
   */
  override async close(server: WebSocketServer): Promise<void> {
    const endpoint = endpointOf(server);
    endpoint?.heartbeat?.stop();
    await Promise.all([...(endpoint?.clients ?? [])].map((client) => closeGoingAway(client)));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    this.endpoints.forEach((endpoint) => endpoint.heartbeat?.stop());
    this.endpoints.clear();
    if (this.upgradeListener) this.upgradeListener.server.off('upgrade', this.upgradeListener.listener);
    this.upgradeListener = null;
  }

  private listenForUpgrades(server: HttpServer): void {
    const listener = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const endpoint = this.endpoints.get(requestPath(request.url) ?? '');
      if (!endpoint) return; // someone else's upgrade (socket.io's, say)
      this.admit(request, { kind: 'ws', gateway: endpoint.name }).then(
        ({ refusal, release }) => {
          if (refusal) return refuseUpgrade(socket, refusal.status, refusal.reason);
          if (socket.destroyed) return release();
          this.accept(endpoint, request, socket, head, release);
        },
        (error: unknown) => {
          this.log.error(`${endpoint.name}: handshake check failed: ${describeFault(error)}`);
          refuseUpgrade(socket, 503, 'unavailable');
        },
      );
    };
    server.on('upgrade', listener);
    this.upgradeListener = { server, listener };
  }

  /**
   * Upgrades an admitted attempt; `release` (what its handshake checks took) runs once it ends: when the connection
   * closes (its one shared close listener runs it, `ws` emitting 'close' only once the TCP socket has closed), or,
   * when `ws` refused the upgrade, when the TCP socket closes. `ws` upgrades or refuses before `handleUpgrade`
   * returns (no `verifyClient`).
   */
  private accept(endpoint: Endpoint, request: IncomingMessage, socket: Duplex, head: Buffer, release: () => void) {
    let accepted = false;
    endpoint.server.handleUpgrade(request, socket, head, (client) => {
      accepted = true;
      endpoint.clients.add(client as RawWsClient);
      (client as RawWsClient).released = release;
      endpoint.heartbeat?.track(client as RawWsClient);
      client.on('close', onClientClose);
      client.on('error', endpoint.onError);
      endpoint.server.emit('connection', client, request);
    });
    if (accepted) return;
    if (socket.destroyed) release();
    else socket.on('close', release);
  }

  /**
   * A client's protocol violation (an oversized frame, say) is its problem: one line, no stack. One listener per
   * endpoint, made here rather than inline in `accept`, whose scope holds the upgrade request.
   */
  private protocolErrorLogger(name: string): (error: Error & { code?: string }) => void {
    return (error) => this.log.warn(`${name} connection closed on a protocol error: ${error.code ?? error.message}`);
  }
}

function parseJsonEvent(frame: string | Buffer): { event: string; data: unknown } | undefined {
  if (typeof frame !== 'string') return undefined;
  try {
    const message = JSON.parse(frame) as { event?: unknown; data?: unknown };
    return typeof message?.event === 'string' ? { event: message.event, data: message.data } : undefined;
  } catch {
    return undefined;
  }
}

function closeGoingAway(client: WebSocket): Promise<void> {
  if (client.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const cut = setTimeout(() => client.terminate(), 1000);
    client.once('close', () => {
      clearTimeout(cut);
      resolve();
    });
    client.close(1001, 'server shutting down');
  });
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = Buffer.from(reason);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${body.length}\r\n\r\n${reason}`,
  );
}
