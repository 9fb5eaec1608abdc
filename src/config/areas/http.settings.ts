import { settingsArea } from '../settings-area.js';
import type { SettingsReader } from '../settings-reader.js';

/** The one HTTP server every transport shares: where it listens, which browser origins it serves, its deadlines. */
export interface HttpSettings {
  readonly port: number;
  readonly host: string;
  /** Allowed browser origins for socket.io polling, the REST API and every gateway's handshake; ['*'] allows any. */
  readonly corsOrigins: string[];
  /** Time to receive a request's headers, the whole request, and how long an idle keep-alive connection lives. */
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

export function readHttpSettings(read: SettingsReader): HttpSettings {
  return {
    port: read.integer('PORT', 3000, 0, 65535),
    host: read.text('HOST', '0.0.0.0'),
    corsOrigins: read
      .text('CORS_ORIGINS', '*')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    headersTimeoutMs: read.integer('HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
    requestTimeoutMs: read.integer('HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
    keepAliveTimeoutMs: read.integer('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5000, 100, 600_000),
  };
}

export const httpSettings = settingsArea<HttpSettings>('http');
