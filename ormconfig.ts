import { existsSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config.js';
import { buildDataSourceOptions } from './src/database/data-source-options.js';

/**
 * The DataSource the TypeORM CLI uses (`npm run typeorm -- migration:show`), built like the app's from the same
 * settings: the environment, and `.env` in the working directory as the server reads it.
 */
if (existsSync('.env')) process.loadEnvFile('.env');
const config = loadConfig(process.env);
export default new DataSource(buildDataSourceOptions(config.database));
