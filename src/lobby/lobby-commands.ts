import { SLOW_MODE_MAX_SECONDS } from '../moderation/lobby-settings.service.js';

/** The lobby's slash commands: the Moneypot protocol's `/mute` and `/unmute`, and Chatgate's moderation ones. */
export type LobbyCommand =
  | { kind: 'mute'; uname: string; mins: number }
  | { kind: 'unmute'; uname: string }
  | { kind: 'delete'; messageId: number }
  | { kind: 'purge'; uname: string }
  | { kind: 'slow'; seconds: number }
  | { kind: 'invalid'; command: CommandName };

export type CommandName = 'mute' | 'unmute' | 'delete' | 'purge' | 'slow';

const MUTE = /^\/mute ([a-z0-9_]+) (\d+)$/;
const UNMUTE = /^\/unmute ([a-z0-9_]+)$/i;
const DELETE = /^\/delete (\d+)$/;
const PURGE = /^\/purge ([a-z0-9_]+)$/i;
const SLOW = /^\/slow (\d+)$/;
/**
 * The protocol reserves every text starting with `/mute` or `/unmute`, as the original server did; the newer
 * commands only the word itself, alone or followed by whitespace, so "/slowly" is still a message.
 */
const RESERVED = /^\/(?:mute|unmute|(?:delete|purge|slow)(?:\s|$))/;

/** True for any text reserved for staff, valid command or not. */
export function isCommandText(text: string): boolean {
  return RESERVED.test(text);
}

/** Parses a text that `isCommandText` accepted. */
export function parseCommand(text: string): LobbyCommand {
  const name = commandName(text);
  switch (name) {
    case 'unmute': {
      const match = UNMUTE.exec(text);
      return match ? { kind: 'unmute', uname: match[1].toLowerCase() } : invalid(name);
    }
    case 'mute': {
      const match = MUTE.exec(text);
      return match ? { kind: 'mute', uname: match[1], mins: Number.parseInt(match[2], 10) } : invalid(name);
    }
    case 'delete': {
      const id = Number(DELETE.exec(text)?.[1]);
      return Number.isSafeInteger(id) ? { kind: 'delete', messageId: id } : invalid(name);
    }
    case 'purge': {
      const match = PURGE.exec(text);
      return match ? { kind: 'purge', uname: match[1].toLowerCase() } : invalid(name);
    }
    case 'slow': {
      const seconds = Number(SLOW.exec(text)?.[1]);
      return seconds <= SLOW_MODE_MAX_SECONDS ? { kind: 'slow', seconds } : invalid(name);
    }
  }
}

function commandName(text: string): CommandName {
  if (text.startsWith('/unmute')) return 'unmute';
  if (text.startsWith('/mute')) return 'mute';
  return text.slice(1).split(/\s/, 1)[0] as CommandName;
}

function invalid(command: CommandName): LobbyCommand {
  return { kind: 'invalid', command };
}
