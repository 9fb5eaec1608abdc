import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Nest's WsAdapter, minus one behaviour: the stock adapter destroys every HTTP upgrade on a path it does not
 * serve, which kills socket.io's own `/socket.io/` websocket upgrades on the same port (clients then stay on
 * long-polling or fail). This one answers only its own paths and leaves every other upgrade to its owner.
 */
export class SharedPortWsAdapter extends WsAdapter {
  private readonly ownListeners: [HttpServer, UpgradeListener][] = [];
  private readonly log = new Logger('SellerSocket');

  /** A client's protocol violation (say, an oversized frame) is its problem: one line, no stack to flood the log. */
  override bindErrorHandler(server: { on(event: string, listener: (...args: any[]) => void): unknown }): any {
    server.on('connection', (ws: { on(event: 'error', listener: (error: Error & { code?: string }) => void): void }) =>
      ws.on('error', (error) => this.log.warn(`connection closed on a protocol error: ${error.code ?? error.message}`)),
    );
    server.on('error', (error: Error) => this.log.error(`server error: ${error.message}`));
    return server;
  }

  protected override ensureHttpServerExists(port: number, httpServer: HttpServer = createServer()): HttpServer | undefined {
    if (this.httpServersRegistry.has(port)) return undefined;
    this.httpServersRegistry.set(port, httpServer);
    const listener: UpgradeListener = (request, socket, head) => {
      const pathname = pathOf(request.url);
      const wsServer = (this.wsServersRegistry.get(port) ?? []).find((server) => server.path === pathname);
      if (!wsServer) return;
      wsServer.handleUpgrade(request, socket, head, (ws: unknown) => wsServer.emit('connection', ws, request));
    };
    httpServer.on('upgrade', listener);
    this.ownListeners.push([httpServer, listener]);
    return httpServer;
  }

  override async dispose(): Promise<void> {
    for (const [server, listener] of this.ownListeners.splice(0)) server.off('upgrade', listener);
    await super.dispose();
  }
}

function pathOf(url: string | undefined): string | null {
  try {
    return new URL(url ?? '/', 'ws://localhost').pathname;
  } catch {
    return null;
  }
}
