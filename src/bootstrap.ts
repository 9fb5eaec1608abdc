import type { Server } from 'node:http';
import { ConsoleLogger, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { Express } from 'express';
import helmet from 'helmet';
import type { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { InputValidationPipe } from './common/input-validation.pipe.js';
import { JsonDepthPipe } from './common/json-depth.js';
import { HttpErrorFilter } from './common/http-error.filter.js';
import type { AppConfig } from './config/app-config.js';
import { connectionSettings } from './config/areas/connections.settings.js';
import { type HttpSettings, httpSettings } from './config/areas/http.settings.js';
import { lobbySettings } from './config/areas/lobby.settings.js';
import { type OperationsSettings, operationsSettings } from './config/areas/operations.settings.js';
import { settingsOf } from './config/settings-area.js';
import { ChatgateIoAdapter } from './realtime/transports/chatgate-io-adapter.js';
import { allOf, type HandshakeCheck, Handshakes } from './realtime/connection/handshake.js';
import { ClientAddresses } from './realtime/limits/client-addresses.js';
import { ConnectionCaps } from './realtime/limits/connection-caps.js';
import { originAllowed } from './realtime/limits/origin-check.js';
import { Metrics } from './operations/metrics.js';
import { RawWsAdapter } from './realtime/transports/raw-ws-adapter.js';
import { TransportRouterAdapter } from './realtime/transports/transport-router.adapter.js';

/** Builds the whole app on an open database, configured and ready to listen: what main.ts runs. */
export async function createApp(config: AppConfig, dataSource?: DataSource): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config, dataSource), appOptions(config.operations));
  return configureApp(app);
}

/**
 * Options every app is created with (tests' too). On shutdown Nest closes the WebSocket servers first (seller
 * sockets get 1001, stalled ones are cut a second later), then, with `forceCloseConnections`, destroys every HTTP
 * connection still open (a slowloris, a stalled poll) instead of waiting for them: SIGTERM exits promptly.
 */
export function appOptions(operations: OperationsSettings) {
  return { logger: createLogger(operations), forceCloseConnections: true };
}

export interface ConfigureOptions {
  /**
   * Checks every connection attempt runs before it becomes a connection, on every transport (see handshake.ts),
   * after the built-in ones: the origin allowlist (CORS_ORIGINS), then the connection caps.
   */
  handshakeChecks?: HandshakeCheck[];
}

/**
 * Everything an app needs beyond its modules: both WebSocket transports on the one HTTP server, validation,
 * the REST error shape, CORS, shutdown hooks and the API docs. main.ts and the tests call it alike, so an app
 * compiled by `Test.createTestingModule({ imports: [AppModule.forRoot(config)] })` with overridden providers
 * serves exactly what production serves. Its settings are the ones the app holds (ConfigModule), area by area.
 */
export function configureApp(app: INestApplication, options: ConfigureOptions = {}): INestApplication {
  const http = settingsOf(app, httpSettings);
  const connections = settingsOf(app, connectionSettings);
  app.useLogger(createLogger(settingsOf(app, operationsSettings)));
  const addresses = app.get(ClientAddresses);
  secureHttp(app, addresses);
  app.enableCors({ origin: http.corsOrigins.includes('*') ? true : http.corsOrigins });
  limitHttp(app, http);
  const admit = countingRefusals(
    allOf([originAllowed(http.corsOrigins), app.get(ConnectionCaps).check, ...(options.handshakeChecks ?? [])]),
    app.get(Metrics),
  );
  app.get(Handshakes).use(admit);
  // socket.io at /socket.io/ for the lobby, raw WebSocket gateways at their own paths: one server, one port.
  app.useWebSocketAdapter(
    new TransportRouterAdapter(
      app,
      new ChatgateIoAdapter(
        app,
        {
          corsOrigins: http.corsOrigins,
          pendingSessionsPerIp: settingsOf(app, lobbySettings).pendingSessionsPerIp,
          outgoingBufferMaxBytes: connections.outgoingBufferMaxBytes,
        },
        admit,
        addresses,
      ),
      new RawWsAdapter(app, connections, admit),
    ),
  );
  app.useGlobalPipes(new JsonDepthPipe(), new InputValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  app.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('Chatgate provisioning API')
    .setDescription(
      "For the integrating site's backend: lobby apps, users and their tokens, sellers (token rotation, chats and " +
        'their messages), lobby history, and webhooks (docs/webhooks.md). Bearer: ADMIN_TOKEN. The socket protocols are described in AsyncAPI ' +
        'at /docs/asyncapi.yaml; health and metrics at /health/live, /health/ready and /metrics.',
    )
    .setVersion('1')
    // Not addBearerAuth(), which declares `bearerFormat: JWT`: the bearer is the ADMIN_TOKEN setting, an opaque string.
    .addSecurity('bearer', {
      type: 'http',
      scheme: 'bearer',
      description: 'The ADMIN_TOKEN the server was started with',
    })
    .build();
  SwaggerModule.setup('docs', app, () => integerPathIds(SwaggerModule.createDocument(app, openApi)));
  return app;
}

/**
 * Every HTTP response gets helmet's security headers and no X-Powered-By; the demo page and widget files replace
 * helmet's Content-Security-Policy with their own (public-files.ts). HTTPS is left to whoever terminates TLS, since
 * this server cannot tell how it is reached: no HSTS (helmet's would pin every subdomain to HTTPS) and no
 * `upgrade-insecure-requests` (it breaks /docs for a deployment served over plain HTTP).
 * Express reads the client's address (`req.ip`) with the same trusted proxies as everything else.
 */
function secureHttp(app: INestApplication, addresses: ClientAddresses): void {
  app.use(
    helmet({
      strictTransportSecurity: false,
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    }),
  );
  (app.getHttpAdapter().getInstance() as Express).set('trust proxy', (address: string) => addresses.isTrusted(address));
}

/** Every numeric path parameter of this API is a row id (ParseRowIdPipe): an integer, not any number. */
function integerPathIds(document: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as { parameters?: { in: string; schema?: { type?: string } }[] }[]) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'path' && parameter.schema?.type === 'number') parameter.schema.type = 'integer';
      }
    }
  }
  return document;
}

/**
 * Slow or idle HTTP clients do not hold connections: headers and whole requests have deadlines (408), idle
 * keep-alive connections close. Node checks those deadlines every `connectionsCheckingInterval` (30 s by
 * default, read when the server starts listening), so it is tightened to match them.
 */
function limitHttp(app: INestApplication, http: HttpSettings): void {
  const server = app.getHttpServer() as Server;
  server.headersTimeout = http.headersTimeoutMs;
  server.requestTimeout = http.requestTimeoutMs;
  server.keepAliveTimeout = http.keepAliveTimeoutMs;
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(
    1000,
    http.headersTimeoutMs,
  );
}

/** Counts every handshake refusal in chatgate_refusals_total, by the gateway's name and the reason. */
function countingRefusals(judge: ReturnType<typeof allOf>, metrics: Metrics): ReturnType<typeof allOf> {
  return async (request, transport) => {
    const admission = await judge(request, transport);
    if (admission.refusal) metrics.refused(transport.gateway, admission.refusal.reason);
    return admission;
  };
}

const LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;

/**
 * Nest's console logger at the configured level: one JSON object per line (`LOG_FORMAT=json`, the default with
 * NODE_ENV=production), or readable lines, coloured only on a terminal.
 */
export function createLogger(operations: OperationsSettings): LoggerService {
  return new ConsoleLogger({
    logLevels: LEVELS.slice(0, LEVELS.indexOf(operations.logLevel) + 1),
    json: operations.logFormat === 'json',
    colors: operations.logFormat === 'text' && process.stdout.isTTY === true && !process.env.NO_COLOR,
  });
}
