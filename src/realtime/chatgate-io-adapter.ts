import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../config/app-config.js';
import { serveEio3PollingAsBinary } from './eio3-binary-polling.js';
import type { HandshakeCheck } from './handshake.js';
import { limitPendingSessions } from './pending-session-limit.js';

/**
 * socket.io with the settings real lobby widgets need: legacy socket.io-client 1.x/2.x (EIO3), both
 * transports, and cross-origin polling from the sites that embed them. Every new Engine.IO session passes the
 * handshake check first (engine.io's `allowRequest`, which runs for handshakes only, on either transport).
 */
export class ChatgateIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly admit: HandshakeCheck,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origins = this.config.corsOrigins;
    const server: Server = super.createIOServer(port, {
      ...(options as ServerOptions),
      allowEIO3: true,
      transports: ['polling', 'websocket'],
      // socket.io-client 2.x polls with credentials by default, which needs the origin reflected, not '*'.
      cors: { origin: origins.includes('*') ? true : origins, credentials: true },
      // A lobby frame is at most a short text; larger ones are hostile.
      maxHttpBufferSize: 64 * 1024,
      allowRequest: (request, callback) => {
        const refusal = this.admit(request, { kind: 'socket.io' });
        callback(refusal?.reason ?? null, refusal === null);
      },
    });
    serveEio3PollingAsBinary(server.engine);
    limitPendingSessions(server.engine, this.config.lobbyPendingSessionsPerIp);
    return server;
  }
}
