import type { Server } from 'node:http';
import { type INestApplication, type ValidationError, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { JsonDepthPipe } from './common/json-depth.js';
import { InvalidInputError } from './common/refusal.js';
import { RefusalHttpFilter } from './common/refusal-http.filter.js';
import type { AppConfig, LogLevel } from './config/app-config.js';
import { ChatgateIoAdapter } from './realtime/chatgate-io-adapter.js';
import { allOf, type HandshakeCheck } from './realtime/handshake.js';
import { ConnectionCaps } from './realtime/limits/connection-caps.js';
import { originAllowed } from './realtime/origin-check.js';
import { RawWsAdapter } from './realtime/raw-ws-adapter.js';
import { TransportRouterAdapter } from './realtime/transport-router.adapter.js';

/** Builds the whole app, configured and ready to listen: what main.ts runs. */
export async function createApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), appOptions(config));
  return configureApp(app, config);
}

/**
 * Options every app is created with (tests' too). On shutdown Nest closes the WebSocket servers first (seller
 * sockets get 1001, stalled ones are cut a second later), then, with `forceCloseConnections`, destroys every HTTP
 * connection still open (a slowloris, a stalled poll) instead of waiting for them: SIGTERM exits promptly.
 */
export function appOptions(config: AppConfig) {
  return { logger: loggerLevels(config.logLevel), forceCloseConnections: true };
}

export interface ConfigureOptions {
  /**
   * Checks every connection attempt runs before it becomes a socket, on every transport (see handshake.ts),
   * after the built-in ones: the origin allowlist (CORS_ORIGINS), then the connection caps.
   */
  handshakeChecks?: HandshakeCheck[];
}

/**
 * Everything an app needs beyond its modules: both WebSocket transports on the one HTTP server, validation,
 * the REST error shape, CORS, shutdown hooks and the API docs. main.ts and the tests call it alike, so an app
 * compiled by `Test.createTestingModule({ imports: [AppModule.forRoot(config)] })` with overridden providers
 * serves exactly what production serves.
 */
export function configureApp(app: INestApplication, config: AppConfig, options: ConfigureOptions = {}): INestApplication {
  app.useLogger(loggerLevels(config.logLevel));
  app.enableCors({ origin: config.corsOrigins.includes('*') ? true : config.corsOrigins });
  limitHttp(app, config);
  const admit = allOf([originAllowed(config.corsOrigins), app.get(ConnectionCaps).check, ...(options.handshakeChecks ?? [])]);
  // socket.io at /socket.io/ for the lobby, raw WebSocket gateways at their own paths: one server, one port.
  app.useWebSocketAdapter(
    new TransportRouterAdapter(
      app,
      new ChatgateIoAdapter(app, config, admit),
      new RawWsAdapter(
        app,
        {
          seller: {
            path: config.sellerWsPath,
            maxPayload: config.sellerMaxFrameBytes,
            heartbeatIntervalMs: config.sellerPingIntervalMs,
            maxBufferedBytes: config.outgoingBufferMaxBytes,
          },
        },
        admit,
      ),
    ),
  );
  app.useGlobalPipes(
    new JsonDepthPipe(),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      // A Refusal, so each transport words it: 400 with every message over HTTP, the protocol's error on sockets.
      exceptionFactory: (errors) => {
        const details = errors.flatMap(brokenRules);
        return new InvalidInputError(details.join('; ') || 'invalid input', details);
      },
    }),
  );
  app.useGlobalFilters(new RefusalHttpFilter());
  app.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('Chatgate provisioning API')
    .setDescription("For the integrating site's backend: apps, users and their tokens. Bearer: ADMIN_TOKEN.")
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
  return app;
}

/**
 * Slow or idle HTTP clients do not hold connections: headers and whole requests have deadlines (408), idle
 * keep-alive connections close. Node checks those deadlines every `connectionsCheckingInterval` (30 s by
 * default, read when the server starts listening), so it is tightened to match them.
 */
function limitHttp(app: INestApplication, config: AppConfig): void {
  const server = app.getHttpServer() as Server;
  server.headersTimeout = config.httpHeadersTimeoutMs;
  server.requestTimeout = config.httpRequestTimeoutMs;
  server.keepAliveTimeout = config.httpKeepAliveTimeoutMs;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(1000, config.httpHeadersTimeoutMs);
}

function brokenRules(error: ValidationError): string[] {
  return [...Object.values(error.constraints ?? {}), ...(error.children ?? []).flatMap(brokenRules)];
}

const LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;

export function loggerLevels(level: LogLevel): (typeof LEVELS)[number][] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}
