import { settingsArea } from '../settings-area.js';
import type { SettingsReader } from '../settings-reader.js';

/** The site's own user service (docs/rest-api.md), used instead of the local tables when its URL is set. */
export interface UserDirectorySettings {
  readonly url: string | null;
  readonly timeoutMs: number;
  /** How long its answers are reused (it announces no changes); 0 asks every time. */
  readonly cacheTtlMs: number;
}

export function readUserDirectorySettings(read: SettingsReader): UserDirectorySettings {
  return {
    url: read.url('USER_DIRECTORY_URL'),
    timeoutMs: read.integer('USER_DIRECTORY_TIMEOUT_MS', 3000, 1, 60_000),
    cacheTtlMs: read.integer('USER_DIRECTORY_CACHE_TTL_MS', 0, 0, 86_400_000),
  };
}

export const userDirectorySettings = settingsArea<UserDirectorySettings>('userDirectory');
