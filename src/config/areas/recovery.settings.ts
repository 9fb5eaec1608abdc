import { settingsArea } from '../settings-area.js';
import type { SettingsReader } from '../settings-reader.js';

/**
 * Catching up after a reconnect (docs/recovery.md), in both chats: an `auth` with `since` gets at most this many
 * messages per lobby or chat, none older than the window; past either it is told `recovered: false`.
 */
export interface RecoverySettings {
  readonly maxMessages: number;
  readonly windowMs: number;
}

export function readRecoverySettings(read: SettingsReader): RecoverySettings {
  return {
    maxMessages: read.integer('RECOVERY_MAX_MESSAGES', 2000, 1, 100_000),
    windowMs: read.integer('RECOVERY_WINDOW_MS', 3_600_000, 1000, 7 * 86_400_000),
  };
}

export const recoverySettings = settingsArea<RecoverySettings>('recovery');
