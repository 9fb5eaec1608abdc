/** The lobby's slash commands, as the Moneypot protocol spells them. */
export type LobbyCommand =
  | { kind: 'mute'; uname: string; mins: number }
  | { kind: 'unmute'; uname: string }
  | { kind: 'invalid_mute' }
  | { kind: 'invalid_unmute' };

const MUTE = /^\/mute ([a-z0-9_]+) (\d+)$/;
const UNMUTE = /^\/unmute ([a-z0-9_]+)$/i;

/** True for any text the protocol reserves for staff, valid command or not. */
export function isCommandText(text: string): boolean {
  return text.startsWith('/mute') || text.startsWith('/unmute');
}

/** Parses a text that `isCommandText` accepted. */
export function parseCommand(text: string): LobbyCommand {
  if (text.startsWith('/unmute')) {
    const match = UNMUTE.exec(text);
    return match ? { kind: 'unmute', uname: match[1].toLowerCase() } : { kind: 'invalid_unmute' };
  }
  const match = MUTE.exec(text);
  return match ? { kind: 'mute', uname: match[1], mins: Number.parseInt(match[2], 10) } : { kind: 'invalid_mute' };
}
