import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Socket as TcpSocket } from 'node:net';
import { type INestApplicationContext, type WebSocketAdapter } from '@nestjs/common';
import { AbstractWsAdapter } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import type { RawWsGatewayOptions } from './raw-ws-adapter.js';

type MessageHandlers = Parameters<WebSocketAdapter['bindMessageHandlers']>[1];

type Owned = Record<symbol, AbstractWsAdapter | undefined>;

/** A sub-adapter, as the router asks it whether an HTTP upgrade is for one of its servers (by the request's path). */
export interface UpgradeOwner {
  servesUpgrade(request: IncomingMessage): boolean;
}

type SubAdapter = AbstractWsAdapter & UpgradeOwner;

/** How long an upgrade nobody serves may stay open before it is ended, as engine.io's `destroyUpgradeTimeout`. */
const UNSERVED_UPGRADE_MS = 1000;

/**
 * Nest holds one WebSocket adapter per app. This one holds two (socket.io and raw ws) and routes each gateway
 * to one of them by its `transport` option (`'ws'`: RawWsAdapter, see RawWsGatewayOptions; otherwise socket.io),
 * so every protocol is a real Nest gateway on one HTTP server.
 * It remembers which sub-adapter made each server and accepted each client instead of guessing from their
 * shape: the two packages' socket classes are not reliably told apart by `instanceof`. A client's is kept on the
 * client itself, under this router's own key (no WeakMap entry per connection).
 */
export class TransportRouterAdapter extends AbstractWsAdapter {
  private readonly owners = new WeakMap<object, AbstractWsAdapter>();
  private readonly ownerKey = Symbol('transportOwner');
  private unservedListener: ((request: IncomingMessage, socket: TcpSocket) => void) | null = null;

  constructor(
    app: INestApplicationContext,
    private readonly io: SubAdapter,
    private readonly ws: SubAdapter,
  ) {
    super(app);
  }

  override set forceCloseConnections(value: boolean) {
    this.io.forceCloseConnections = value;
    this.ws.forceCloseConnections = value;
  }

  override get forceCloseConnections(): boolean {
    return this.io.forceCloseConnections;
  }

  create(port: number, options?: Record<string, unknown>): unknown {
    const adapter = (options as Partial<RawWsGatewayOptions> | undefined)?.transport === 'ws' ? this.ws : this.io;
    const server = adapter.create(port, options);
    this.owners.set(server, adapter);
    if (port === 0) this.endUnservedUpgrades();
    return server;
  }

  override bindClientConnect(server: object, callback: (client: object, ...rest: unknown[]) => void): void {
    const adapter = this.ownerOf(server);
    adapter.bindClientConnect(server, (client: object, ...rest: unknown[]) => {
      (client as Owned)[this.ownerKey] = adapter;
      callback(client, ...rest);
    });
  }

  override bindClientDisconnect(client: object, callback: (reason?: unknown) => void): void {
    this.ownerOf(client).bindClientDisconnect(client, callback);
  }

  bindMessageHandlers(
    client: object,
    handlers: MessageHandlers,
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    this.ownerOf(client).bindMessageHandlers(client, handlers, transform);
  }

  override close(server: object): Promise<void> {
    return this.ownerOf(server).close(server);
  }

  override async dispose(): Promise<void> {
    await Promise.all([this.io.dispose(), this.ws.dispose()]);
    if (this.unservedListener) (this.httpServer as HttpServer).off('upgrade', this.unservedListener);
    this.unservedListener = null;
  }

  /**
   * Ends, as engine.io would, the upgrades on the app's server that neither sub-adapter serves: unanswered after a
   * second, the connection is ended. engine.io is told not to (ChatgateIoAdapter), since it cannot know the raw-ws
   * gateways' paths and so did that to each of their upgrades too, leaving an 'error' closure on every connection.
   */
  private endUnservedUpgrades(): void {
    if (this.unservedListener || !this.httpServer) return;
    this.unservedListener = (request, socket) => {
      if (this.io.servesUpgrade(request) || this.ws.servesUpgrade(request)) return;
      socket.on('error', ignoreError);
      setTimeout(() => {
        if (socket.writable && socket.bytesWritten <= 0) socket.end();
      }, UNSERVED_UPGRADE_MS);
    };
    (this.httpServer as HttpServer).on('upgrade', this.unservedListener);
  }

  private ownerOf(target: object): AbstractWsAdapter {
    const adapter = (target as Owned)[this.ownerKey] ?? this.owners.get(target);
    if (!adapter) throw new Error('TransportRouterAdapter: no sub-adapter created this server or accepted this client');
    return adapter;
  }
}

/** An unserved upgrade's connection errors are nobody's concern: it is about to be ended. */
function ignoreError(): void {}
