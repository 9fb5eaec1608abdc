import { describe, expect, it } from 'vitest';
import { HeldConnections } from './held-connections.js';

describe('HeldConnections', () => {
  const ann = { id: 1 };
  const bob = { id: 2 };

  it('counts connections, answers per place, lists each member once in the order recorded', () => {
    const held = new HeldConnections();
    held.add('p', bob, 'c1');
    held.add('p', ann, 'c2');
    held.add('p', bob, 'c3');
    held.add('q', ann, 'c4');
    held.add('p', bob, 'c1');
    expect(held.size).toBe(4);
    expect(held.has('p', ann.id)).toBe(true);
    expect(held.has('q', bob.id)).toBe(false);
    expect(held.members('p')).toEqual([bob, ann]);
    expect(held.entries()).toEqual([
      { place: 'p', member: bob, connectionId: 'c1' },
      { place: 'p', member: ann, connectionId: 'c2' },
      { place: 'p', member: bob, connectionId: 'c3' },
      { place: 'q', member: ann, connectionId: 'c4' },
    ]);
    held.remove('p', 'c1');
    held.remove('p', 'c9');
    held.remove('q', 'c4');
    held.remove('q', 'c4');
    expect(held.size).toBe(2);
    expect(held.members('p')).toEqual([ann, bob]);
    expect(held.members('q')).toEqual([]);
    expect(held.has('q', ann.id)).toBe(false);
  });
});
