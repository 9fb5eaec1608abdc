import { type INestApplicationContext, type WebSocketAdapter } from '@nestjs/common';
import { AbstractWsAdapter } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import type { RawWsGatewayOptions } from './raw-ws-adapter.js';

type MessageHandlers = Parameters<WebSocketAdapter['bindMessageHandlers']>[1];

type Owned = Record<symbol, AbstractWsAdapter | undefined>;

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

  constructor(
    app: INestApplicationContext,
    private readonly io: AbstractWsAdapter,
    private readonly ws: AbstractWsAdapter,
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
  }

  private ownerOf(target: object): AbstractWsAdapter {
    const adapter = (target as Owned)[this.ownerKey] ?? this.owners.get(target);
    if (!adapter) throw new Error('TransportRouterAdapter: no sub-adapter created this server or accepted this client');
    return adapter;
  }
}
