import { settingsArea } from '../settings-area.js';
import type { SettingsReader } from '../settings-reader.js';

/** The lobby chat: its history, messages, rates, word filter, and the socket.io sessions it admits. */
export interface LobbySettings {
  readonly historySize: number;
  readonly messageMax: number;
  /** Engine.IO sessions one client address may hold before their clients send anything; more are refused. */
  readonly pendingSessionsPerIp: number;
  /** Lobby messages (and commands) one user may send per window; more get a system_message and are dropped. */
  readonly rateMessages: number;
  readonly rateWindowMs: number;
  /** The same for a lobby's staff (owner, admin, mod), whose commands count too: a wave of spam takes many. */
  readonly staffRateMessages: number;
  readonly staffRateWindowMs: number;
  /** Bounds of an app's lobby word filter: how many blocked words, and the longest one in code points. */
  readonly blockedWordsMax: number;
  readonly blockedWordMaxLength: number;
}

export function readLobbySettings(read: SettingsReader): LobbySettings {
  return {
    historySize: read.integer('LOBBY_HISTORY_SIZE', 250, 0, 10_000),
    messageMax: read.integer('LOBBY_MESSAGE_MAX', 140, 1, 10_000),
    pendingSessionsPerIp: read.integer('LOBBY_PENDING_SESSIONS_PER_IP', 20, 1, 100_000),
    rateMessages: read.integer('LOBBY_RATE_MESSAGES', 5, 1, 100_000),
    rateWindowMs: read.integer('LOBBY_RATE_WINDOW_MS', 5000, 1000, 3_600_000),
    staffRateMessages: read.integer('LOBBY_STAFF_RATE_MESSAGES', 100, 1, 100_000),
    staffRateWindowMs: read.integer('LOBBY_STAFF_RATE_WINDOW_MS', 30_000, 1000, 3_600_000),
    blockedWordsMax: read.integer('LOBBY_BLOCKED_WORDS_MAX', 500, 0, 10_000),
    blockedWordMaxLength: read.integer('LOBBY_BLOCKED_WORD_MAX_LENGTH', 64, 1, 1000),
  };
}

export const lobbySettings = settingsArea<LobbySettings>('lobby');
