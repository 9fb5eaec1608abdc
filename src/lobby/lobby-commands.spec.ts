import { describe, expect, it } from 'vitest';
import { isCommandText, parseCommand } from './lobby-commands.js';

describe('lobby commands', () => {
  it.each([
    ['/mute bob 10', { kind: 'mute', uname: 'bob', mins: 10 }],
    ['/mute b_0b 007', { kind: 'mute', uname: 'b_0b', mins: 7 }],
    ['/mute Bob 10', { kind: 'invalid', command: 'mute' }],
    ['/mute bob  10', { kind: 'invalid', command: 'mute' }],
    ['/mute bob', { kind: 'invalid', command: 'mute' }],
    ['/mute bob -1', { kind: 'invalid', command: 'mute' }],
    ['/muted', { kind: 'invalid', command: 'mute' }],
    ['/unmute bob', { kind: 'unmute', uname: 'bob' }],
    ['/unmute BoB', { kind: 'unmute', uname: 'bob' }],
    ['/unmute  bob', { kind: 'invalid', command: 'unmute' }],
    ['/unmute bob 5', { kind: 'invalid', command: 'unmute' }],
    ['/unmutebob', { kind: 'invalid', command: 'unmute' }],
    ['/delete 42', { kind: 'delete', messageId: 42 }],
    ['/delete 0042', { kind: 'delete', messageId: 42 }],
    ['/delete', { kind: 'invalid', command: 'delete' }],
    ['/delete x', { kind: 'invalid', command: 'delete' }],
    ['/delete 1 2', { kind: 'invalid', command: 'delete' }],
    ['/delete -1', { kind: 'invalid', command: 'delete' }],
    ['/delete 99999999999999999999', { kind: 'invalid', command: 'delete' }],
    ['/purge Bob', { kind: 'purge', uname: 'bob' }],
    ['/purge', { kind: 'invalid', command: 'purge' }],
    ['/purge  bob', { kind: 'invalid', command: 'purge' }],
    ['/purge bob alice', { kind: 'invalid', command: 'purge' }],
    ['/slow 30', { kind: 'slow', seconds: 30 }],
    ['/slow 0', { kind: 'slow', seconds: 0 }],
    ['/slow 3600', { kind: 'slow', seconds: 3600 }],
    ['/slow 3601', { kind: 'invalid', command: 'slow' }],
    ['/slow', { kind: 'invalid', command: 'slow' }],
    ['/slow 1.5', { kind: 'invalid', command: 'slow' }],
    ['/slow\t10', { kind: 'invalid', command: 'slow' }],
  ])('%j', (text, command) => {
    expect(isCommandText(text)).toBe(true);
    expect(parseCommand(text)).toEqual(command);
  });

  it('reserves texts starting with /mute or /unmute, and the newer commands as whole words, case-sensitively', () => {
    expect(isCommandText('/mute')).toBe(true);
    expect(isCommandText('/unmute x')).toBe(true);
    expect(isCommandText('/UNMUTE x')).toBe(false);
    expect(isCommandText('hello /mute x 1')).toBe(false);
    expect(isCommandText('/slowly, I turned')).toBe(false);
    expect(isCommandText('/deleted scenes')).toBe(false);
    expect(isCommandText('/purges')).toBe(false);
    expect(isCommandText('/SLOW 10')).toBe(false);
  });
});
