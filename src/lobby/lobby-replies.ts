import type { Socket } from 'socket.io';
import { type LobbyRefusal, SlowModeRefusal } from './lobby-errors.js';
import { JsonText, SharedJson } from '../realtime/connection/json-text.js';
import type { LobbyWelcome, SayOutcome } from './lobby.types.js';

/** The protocol's exact words. Existing widgets display or match them, so they are part of the contract. */
export const AUTH_ERRORS = {
  notObject: 'must send data object with `auth` event',
  noAppId: 'must send app_id integer with `auth` event',
  noCallback: 'must provide callback to `auth` event',
  noApp: 'no app found with the app_id you sent to `auth` event',
  /** Chatgate's catch-up (docs/recovery.md), worded like the protocol's own auth errors. */
  badSince: '`since` sent with `auth` event must be a message id (a non-negative integer)',
} as const;

export const LIMIT_MESSAGES = {
  rateLimited: 'You are sending messages too fast',
  authThrottled: 'too many failed `auth` attempts from your address, try again later',
  tooManyConnections: 'too many connections for this user',
  originNotAllowed: 'this app does not allow pages from your origin',
} as const;

export type AckFn = (...args: unknown[]) => void;

export type LobbyReply =
  | { to: 'ack'; args: unknown[] }
  | { to: 'system_message'; text: string }
  | { to: 'client_error'; text: string }
  /** The sender hears what the whole lobby is told instead (a slow-mode change). */
  | { to: 'nobody' };

/** What the whole lobby is told when its slow mode changes. */
export function slowModeText(seconds: number): string {
  return seconds === 0 ? 'Slow mode is off' : `Slow mode is on: one message every ${seconds} s`;
}

export function replyToRefusal(refusal: LobbyRefusal, messageMax: number): LobbyReply {
  switch (refusal.code) {
    case 'auth_not_object':
      return { to: 'client_error', text: AUTH_ERRORS.notObject };
    case 'auth_no_app_id':
      return { to: 'client_error', text: AUTH_ERRORS.noAppId };
    case 'auth_no_callback':
      return { to: 'client_error', text: AUTH_ERRORS.noCallback };
    case 'auth_bad_since':
      return { to: 'client_error', text: AUTH_ERRORS.badSince };
    case 'app_not_found':
      return { to: 'client_error', text: AUTH_ERRORS.noApp };
    case 'user_required':
      return { to: 'ack', args: ['USER_REQUIRED'] };
    case 'muted':
      return { to: 'system_message', text: 'You are muted' };
    case 'text_not_string':
      return { to: 'client_error', text: '`new_message` requires string as first argument' };
    case 'text_length':
      return { to: 'client_error', text: `\`new_message\` text must be 1-${messageMax} chars` };
    case 'not_authorized':
      return { to: 'system_message', text: 'You are not authorized to do that' };
    case 'invalid_unmute':
      return { to: 'system_message', text: 'Invalid unmute command' };
    case 'invalid_mute':
      return { to: 'system_message', text: 'Invalid mute command' };
    // Chatgate's moderation (docs/moderation.md), answered the way the protocol answers a muted user.
    case 'invalid_delete':
      return { to: 'system_message', text: 'Invalid delete command' };
    case 'invalid_purge':
      return { to: 'system_message', text: 'Invalid purge command' };
    case 'invalid_slow':
      return { to: 'system_message', text: 'Invalid slow command' };
    case 'slow_mode': {
      const wait = refusal instanceof SlowModeRefusal ? refusal.waitSeconds : 1;
      return { to: 'system_message', text: `Slow mode is on: wait ${wait} s` };
    }
    case 'filtered':
      return { to: 'system_message', text: "Message blocked by this lobby's filter" };
    // Not in the original protocol; worded the way its own refusals are (docs/security.md).
    case 'rate_limited':
      return { to: 'system_message', text: LIMIT_MESSAGES.rateLimited };
    case 'auth_throttled':
      return { to: 'client_error', text: LIMIT_MESSAGES.authThrottled };
    case 'too_many_connections':
      return { to: 'client_error', text: LIMIT_MESSAGES.tooManyConnections };
    case 'origin_not_allowed':
      return { to: 'client_error', text: LIMIT_MESSAGES.originNotAllowed };
  }
}

export function replyToOutcome(outcome: SayOutcome): LobbyReply {
  switch (outcome.kind) {
    case 'posted':
      return { to: 'ack', args: [] };
    case 'muted':
      return { to: 'system_message', text: `User "${outcome.mute.uname}" muted for ${outcome.mute.mins} minutes` };
    case 'unmuted':
      return { to: 'system_message', text: `User "${outcome.uname}" unmuted` };
    case 'not_muted':
      return { to: 'system_message', text: `User "${outcome.uname}" not in mutelist` };
    case 'deleted':
      return { to: 'system_message', text: `Message ${outcome.messageId} deleted` };
    case 'no_message':
      return { to: 'system_message', text: `No message ${outcome.messageId} in this lobby` };
    case 'purged':
      return { to: 'system_message', text: `Deleted ${outcome.count} messages by ${outcome.uname}` };
    case 'slow_mode':
      return outcome.announced ? { to: 'nobody' } : { to: 'system_message', text: slowModeText(outcome.seconds) };
  }
}

export const INTERNAL_ERROR: LobbyReply = { to: 'ack', args: ['INTERNAL_ERROR'] };

/** Puts a reply on the wire: through the ack (when the client gave one), or as the named event. */
export function sendReply(socket: Socket, ack: AckFn | undefined, reply: LobbyReply): void {
  if (reply.to === 'ack') ack?.(...reply.args);
  else if (reply.to !== 'nobody') socket.emit(reply.to, reply.text);
}

/** JSON of the objects auth replies share (LobbyRooms: a lobby's history and user list), by identity. */
const sharedJson = new WeakMap<object, SharedJson>();

function jsonOfShared(value: object): SharedJson {
  let json = sharedJson.get(value);
  if (json === undefined) sharedJson.set(value, (json = new SharedJson(JSON.stringify(value))));
  return json;
}

/**
 * The auth reply's payload as JSON text, with the parts it shares with other sockets' replies serialized once
 * (they are never changed once shared; a changed history or user list is a new object) and kept as shared pieces.
 * Same text, and key order, as serializing `welcome` whole.
 */
export function welcomeText({ user, room }: LobbyWelcome): JsonText {
  const recovery =
    room.recovered === undefined ? '' : `,"recovered":${room.recovered},"deleted":${JSON.stringify(room.deleted)}`;
  return new JsonText(
    `{${user ? `"user":${JSON.stringify(user)},` : ''}"room":{"users":`,
    jsonOfShared(room.users),
    ',"history":',
    jsonOfShared(room.history),
    `,"muteList":${JSON.stringify(room.muteList)},"slowMode":${room.slowMode}${recovery}}}`,
  );
}
