import { describe, expect, it } from 'vitest';
import { PushGate } from './push-gate.js';

type Push = { name: string; messageId?: number; presenceVersion?: number };

describe('PushGate', () => {
  it('passes pushes through when not holding', () => {
    const gate = new PushGate<Push>();
    expect(gate.take({ name: 'x' })).toBe(false);
  });

  it('holds pushes during an auth and releases them after the reply, minus what the reply reflects', () => {
    const gate = new PushGate<Push>();
    gate.hold();
    for (const push of [
      { name: 'old message', messageId: 7 },
      { name: 'old join', presenceVersion: 3 },
      { name: 'status' },
      { name: 'new message', messageId: 9 },
      { name: 'new join', presenceVersion: 4 },
    ]) {
      expect(gate.take(push)).toBe(true);
    }
    expect(gate.release([{ name: 'reply' }], { messageIds: [5, 7], presenceVersion: 3 }, 1000, 100)).toEqual([
      { name: 'reply' },
      { name: 'status' },
      { name: 'new message', messageId: 9 },
      { name: 'new join', presenceVersion: 4 },
    ]);
    expect(gate.holding).toBe(false);
  });

  it('remembers the snapshot for the window only', () => {
    const gate = new PushGate<Push>();
    gate.hold();
    gate.release([], { messageIds: [7], presenceVersion: 2 }, 1000, 100);
    expect(gate.alreadySent({ messageId: 7 }, 1100)).toBe(true);
    expect(gate.alreadySent({ presenceVersion: 2 }, 1100)).toBe(true);
    expect(gate.alreadySent({ messageId: 8 }, 1100)).toBe(false);
    expect(gate.remembers(1100)).toBe(true);
    expect(gate.remembers(1101)).toBe(false);
    expect(gate.alreadySent({ messageId: 7 }, 1101)).toBe(false);
  });

  it('drops what it held when the auth failed', () => {
    const gate = new PushGate<Push>();
    gate.hold();
    gate.take({ name: 'x', messageId: 1 });
    gate.discard();
    expect(gate.holding).toBe(false);
    expect(gate.release([], { messageIds: [] }, 0, 0)).toEqual([]);
  });
});
