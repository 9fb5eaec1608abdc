import { settingsArea } from '../settings-area.js';
import type { SettingsReader } from '../settings-reader.js';

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Operations (docs/operations.md): the logs, the bearer token of /metrics, the shutdown drain. */
export interface OperationsSettings {
  readonly logFormat: 'json' | 'text';
  readonly logLevel: LogLevel;
  /** Bearer token of /metrics; null leaves it open. */
  readonly metricsToken: string | null;
  /** How long readiness is false before the server closes. */
  readonly shutdownDrainMs: number;
}

export function readOperationsSettings(read: SettingsReader): OperationsSettings {
  return {
    logFormat: read.oneOf(
      'LOG_FORMAT',
      ['json', 'text'] as const,
      read.optional('NODE_ENV') === 'production' ? 'json' : 'text',
    ),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'log'),
    metricsToken: read.optional('METRICS_TOKEN'),
    shutdownDrainMs: read.integer('SHUTDOWN_DRAIN_MS', 1000, 0, 60_000),
  };
}

export const operationsSettings = settingsArea<OperationsSettings>('operations');
