import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './config/app-config.js';
import { createApp } from './bootstrap.js';
import { buildDataSourceOptions } from './database/data-source-options.js';
import { DatabaseStartError, startDatabase } from './database/start-database.js';

if (existsSync('.env')) process.loadEnvFile('.env');

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

let dataSource;
try {
  dataSource = await startDatabase(buildDataSourceOptions(config.database), config.database);
} catch (error) {
  if (!(error instanceof DatabaseStartError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const app = await createApp(config, dataSource);
const { http, database } = config;
await app.listen(http.port, http.host);
const logger = new Logger('Chatgate');
const address = app.getHttpServer().address();
const port = typeof address === 'object' && address ? address.port : http.port;
logger.log(`listening on http://${http.host}:${port}`);
logger.log(`lobby: socket.io at /socket.io/; seller chat: WebSocket at ${config.seller.wsPath}; API docs at /docs`);
const store = database.connection;
logger.log(`database: ${store.kind === 'sqlite' ? `SQLite ${store.path}` : 'PostgreSQL'}`);
if (config.admin.token === null) {
  logger.warn('the provisioning API (/api) is closed: set ADMIN_TOKEN (16+ characters) to open it');
}
