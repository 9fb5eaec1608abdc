import { settingsArea } from '../settings-area.js';
import type { SettingsReader } from '../settings-reader.js';
import type { DatabaseConfig } from './database.settings.js';

/** Demo mode (docs/widgets.md): seed and serve the demo, its page at / and its credentials at /demo/config.json. */
export interface DemoSettings {
  readonly enabled: boolean;
}

export function readDemoSettings(read: SettingsReader, database: DatabaseConfig): DemoSettings {
  // By default only where a newcomer runs it: an SQLite file outside production. DEMO=true/false decides otherwise.
  const byDefault =
    database.kind === 'sqlite' && database.path !== ':memory:' && read.optional('NODE_ENV') !== 'production';
  return { enabled: read.boolean('DEMO', byDefault) };
}

export const demoSettings = settingsArea<DemoSettings>('demo');
