import { settingsArea } from '../settings-area.js';
import type { SettingsReader } from '../settings-reader.js';

/**
 * Facts kept in memory instead of read per socket or per message (apps, token holders, lobby mute lists and
 * settings, presence lists read from Redis): at most `maxEntries` of each kind, each at most `ttlMs` old. Changes
 * reach every instance as soon as the delivery bus carries their announcement; the age bound is for an announcement
 * lost between instances.
 */
export interface CacheSettings {
  readonly maxEntries: number;
  readonly ttlMs: number;
}

export function readCacheSettings(read: SettingsReader): CacheSettings {
  return {
    maxEntries: read.integer('CACHE_MAX_ENTRIES', 10_000, 0, 10_000_000),
    ttlMs: read.integer('CACHE_TTL_MS', 60_000, 0, 86_400_000),
  };
}

export const cacheSettings = settingsArea<CacheSettings>('cache');
