import { settingsArea } from '../settings-area.js';
import type { SettingsReader } from '../settings-reader.js';

/** Several instances (src/realtime/: redis/, bus/, presence/): the Redis that joins them, and what it keeps. */
export interface ClusterSettings {
  /** Joins instances: the delivery bus and presence go through this Redis when set (redis:// or rediss://). */
  readonly redisUrl: string | null;
  /** Prefix of every Redis key and channel, so several deployments (or test runs) can share one Redis. */
  readonly redisKeyPrefix: string;
  /** Most messages one room's repair reads back after a lost link to Redis (the newest of them); 0: no repair. */
  readonly busRepairMaxMessages: number;
  /** How long presence entries of an instance that stopped renewing its lease survive. */
  readonly presenceTtlMs: number;
}

export function readClusterSettings(read: SettingsReader): ClusterSettings {
  return {
    redisUrl: read.redisUrl('REDIS_URL'),
    redisKeyPrefix: read.text('REDIS_KEY_PREFIX', 'chatgate:'),
    busRepairMaxMessages: read.integer('BUS_REPAIR_MAX_MESSAGES', 1000, 0, 100_000),
    presenceTtlMs: read.integer('PRESENCE_TTL_MS', 30_000, 1000, 3_600_000),
  };
}

export const clusterSettings = settingsArea<ClusterSettings>('cluster');
