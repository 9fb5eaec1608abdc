import type { LobbyRole } from '../users/roles.js';
import type { MuteView } from '../mutes/mutes.service.js';
import { defineChannel } from '../realtime/bus/delivery-bus.js';

/** A user as the lobby protocol shows them: in `room.users`, `user_joined` and `user_left`. */
export interface LobbyMember {
  id: number;
  uname: string;
  role: LobbyRole;
}

/**
 * Who a socket is in a lobby, once `auth` succeeded. `member` is null for anonymous readers. A user's sockets in one
 * lobby share one session (LobbyService.authenticate), so neither it nor its member is ever changed.
 */
export interface LobbySession {
  readonly appId: number;
  readonly chatId: number;
  readonly member: Readonly<LobbyMember> | null;
}

export interface LobbyMessage {
  id: number;
  user: { uname: string; role: string };
  text: string;
}

export interface LobbyRoom {
  users: Record<string, LobbyMember>;
  history: LobbyMessage[];
  muteList: Record<string, MuteView>;
  /** Seconds a member waits between messages; 0 when slow mode is off. */
  slowMode: number;
  /** Only in the reply to an `auth` with `since` (docs/recovery.md): nothing is missing from `history`. */
  recovered?: boolean;
  /** The same: ids up to `since` deleted meanwhile. */
  deleted?: number[];
}

/** The `auth` ack's payload. */
export interface LobbyWelcome {
  user?: LobbyMember;
  room: LobbyRoom;
}

/** What a `new_message` turned out to be, for the sender's feedback. */
export type SayOutcome =
  | { kind: 'posted' }
  | { kind: 'muted'; mute: MuteView }
  | { kind: 'unmuted'; uname: string }
  | { kind: 'not_muted'; uname: string }
  | { kind: 'deleted' | 'no_message'; messageId: number }
  | { kind: 'purged'; uname: string; count: number }
  /** `announced`: the lobby was told (it changed); otherwise only the sender is. */
  | { kind: 'slow_mode'; seconds: number; announced: boolean };

/** Events every socket of a lobby receives, with their payloads. */
export type LobbyEvents = {
  user_joined: LobbyMember;
  user_left: LobbyMember;
  new_message: LobbyMessage;
  user_muted: MuteView;
  user_unmuted: { uname: string };
  message_deleted: { id: number };
  /** A slow-mode change is told to the whole lobby. */
  system_message: string;
};
/**
 * What a lobby's room carries on the bus: its broadcasts, and `closed` (its app was deleted), which no client
 * receives: each instance disconnects the lobby's sockets instead (LobbyFanout).
 */
export type LobbyChannelEvents = LobbyEvents & { closed: null };
export const LOBBY_CHANNEL = defineChannel<LobbyChannelEvents>('lobby');
export type LobbyBroadcast = keyof LobbyEvents;
export const LOBBY_BROADCASTS: readonly LobbyBroadcast[] = [
  'user_joined',
  'user_left',
  'new_message',
  'user_muted',
  'user_unmuted',
  'message_deleted',
  'system_message',
];

const LOBBY_ROOM_PREFIX = 'lobby:';

/** Every socket in a lobby listens here; it is also the lobby's presence place. */
export function lobbyRoom(chatId: number): string {
  return LOBBY_ROOM_PREFIX + chatId;
}

export function isLobbyRoom(room: string): boolean {
  return room.startsWith(LOBBY_ROOM_PREFIX);
}

/** The chat id of a lobby room's name. */
export function lobbyChatId(room: string): number {
  return Number(room.slice(LOBBY_ROOM_PREFIX.length));
}
