import { ConsoleLogger, type INestApplication, type LoggerService, type ValidationError, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { InvalidInputError } from './common/refusal.js';
import { HttpErrorFilter } from './common/http-error.filter.js';
import type { AppConfig } from './config/app-config.js';
import { ChatgateIoAdapter } from './realtime/chatgate-io-adapter.js';
import { allOf, type HandshakeCheck } from './realtime/handshake.js';
import { RawWsAdapter } from './realtime/raw-ws-adapter.js';
import { TransportRouterAdapter } from './realtime/transport-router.adapter.js';

/** Builds the whole app on an open database, configured and ready to listen: what main.ts runs. */
export async function createApp(config: AppConfig, dataSource?: DataSource): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config, dataSource), { logger: createLogger(config) });
  return configureApp(app, config);
}

export interface ConfigureOptions {
  /** Checks every connection attempt runs before it becomes a socket, on every transport (see handshake.ts). */
  handshakeChecks?: HandshakeCheck[];
}

/**
 * Everything an app needs beyond its modules: both WebSocket transports on the one HTTP server, validation,
 * the REST error shape, CORS, shutdown hooks and the API docs. main.ts and the tests call it alike, so an app
 * compiled by `Test.createTestingModule({ imports: [AppModule.forRoot(config)] })` with overridden providers
 * serves exactly what production serves.
 */
export function configureApp(app: INestApplication, config: AppConfig, options: ConfigureOptions = {}): INestApplication {
  app.useLogger(createLogger(config));
  app.enableCors({ origin: config.corsOrigins.includes('*') ? true : config.corsOrigins });
  const admit = allOf(options.handshakeChecks ?? []);
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
          },
        },
        admit,
      ),
    ),
  );
  app.useGlobalPipes(
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
  app.useGlobalFilters(new HttpErrorFilter());
  app.enableShutdownHooks();

  const openApi = new DocumentBuilder()
    .setTitle('Chatgate provisioning API')
    .setDescription(
      "For the integrating site's backend: lobby apps, users and their tokens, sellers (token rotation, chats and " +
        'their messages), and lobby history. Bearer: ADMIN_TOKEN. The socket protocols are described in AsyncAPI ' +
        'at /docs/asyncapi.yaml; health and metrics at /health/live, /health/ready and /metrics.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => integerPathIds(SwaggerModule.createDocument(app, openApi)));
  return app;
}

/** Every numeric path parameter of this API is a row id (parsed by ParseIntPipe): an integer, not any number. */
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

function brokenRules(error: ValidationError): string[] {
  return [...Object.values(error.constraints ?? {}), ...(error.children ?? []).flatMap(brokenRules)];
}

const LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;

/**
 * Nest's console logger at the configured level: one JSON object per line (`LOG_FORMAT=json`, the default with
 * NODE_ENV=production), or readable lines, coloured only on a terminal.
 */
export function createLogger(config: AppConfig): LoggerService {
  return new ConsoleLogger({
    logLevels: LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1),
    json: config.logFormat === 'json',
    colors: config.logFormat === 'text' && process.stdout.isTTY === true && !process.env.NO_COLOR,
  });
}
