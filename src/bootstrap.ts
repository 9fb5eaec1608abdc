import { type INestApplication, type ValidationError, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { AppModule } from './app.module.js';
import { InvalidInputError } from './common/refusal.js';
import { RefusalHttpFilter } from './common/refusal-http.filter.js';
import type { AppConfig, LogLevel } from './config/app-config.js';
import { ChatgateIoAdapter } from './realtime/chatgate-io-adapter.js';
import { allOf, type HandshakeCheck } from './realtime/handshake.js';
import { RawWsAdapter } from './realtime/raw-ws-adapter.js';
import { TransportRouterAdapter } from './realtime/transport-router.adapter.js';

/** Builds the whole app on an open database, configured and ready to listen: what main.ts runs. */
export async function createApp(config: AppConfig, dataSource?: DataSource): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config, dataSource), { logger: loggerLevels(config.logLevel) });
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
  app.useLogger(loggerLevels(config.logLevel));
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

function brokenRules(error: ValidationError): string[] {
  return [...Object.values(error.constraints ?? {}), ...(error.children ?? []).flatMap(brokenRules)];
}

const LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;

export function loggerLevels(level: LogLevel): (typeof LEVELS)[number][] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}
