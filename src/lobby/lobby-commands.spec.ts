import { describe, expect, it } from 'vitest';
import { isCommandText, parseCommand } from './lobby-commands.js';

describe('lobby commands', () => {
  it.each([
    ['/mute bob 10', { kind: 'mute', uname: 'bob', mins: 10 }],
    ['/mute b_0b 007', { kind: 'mute', uname: 'b_0b', mins: 7 }],
    ['/mute Bob 10', { kind: 'invalid_mute' }],
    ['/mute bob  10', { kind: 'invalid_mute' }],
    ['/mute bob', { kind: 'invalid_mute' }],
    ['/mute bob -1', { kind: 'invalid_mute' }],
    ['/muted', { kind: 'invalid_mute' }],
    ['/unmute bob', { kind: 'unmute', uname: 'bob' }],
    ['/unmute BoB', { kind: 'unmute', uname: 'bob' }],
    ['/unmute  bob', { kind: 'invalid_unmute' }],
    ['/unmute bob 5', { kind: 'invalid_unmute' }],
    ['/unmutebob', { kind: 'invalid_unmute' }],
  ])('%s', (text, command) => {
    expect(parseCommand(text)).toEqual(command);
  });

  it('reserves only texts starting with /mute or /unmute, case-sensitively', () => {
    expect(isCommandText('/mute')).toBe(true);
    expect(isCommandText('/unmute x')).toBe(true);
    expect(isCommandText('/UNMUTE x')).toBe(false);
    expect(isCommandText('hello /mute x 1')).toBe(false);
  });
});
