import { type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { ChatgateIoAdapter } from './realtime/chatgate-io-adapter.js';
import { SharedPortWsAdapter } from './realtime/shared-port-ws-adapter.js';
import { TransportRouterAdapter } from './realtime/transport-router.adapter.js';
import { parseSellerFrame } from './seller/seller-frames.js';

/** Builds the whole app, ready to listen. Used by main.ts and by the end-to-end tests alike. */
export async function createApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    logger: loggerLevels(config.logLevel),
    cors: { origin: config.corsOrigins.includes('*') ? true : config.corsOrigins },
  });
  // The lobby on socket.io at /socket.io/, the seller chat on a raw WebSocket: one HTTP server, one port.
  app.useWebSocketAdapter(
    new TransportRouterAdapter(
      app,
      new ChatgateIoAdapter(app, config),
      new SharedPortWsAdapter(app, { messageParser: parseSellerFrame }),
      (gateway) => ({ ...gateway, path: config.sellerWsPath, maxPayload: config.sellerMaxFrameBytes }),
    ),
  );
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
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

const LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;

function loggerLevels(level: AppConfig['logLevel']): (typeof LEVELS)[number][] {
  return LEVELS.slice(0, LEVELS.indexOf(level) + 1);
}
