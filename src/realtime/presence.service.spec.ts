import { describe, expect, it } from 'vitest';
import { LocalPresence } from './presence.service.js';

describe('LocalPresence', () => {
  const alice = { id: 1, uname: 'alice' };
  const bob = { id: 2, uname: 'bob' };

  it('reports only first joins and last leaves of a member', async () => {
    const presence = new LocalPresence();
    expect(await presence.join('lobby:1', alice, 'a1')).toBe(true);
    expect(await presence.join('lobby:1', alice, 'a2')).toBe(false);
    expect(await presence.leave('lobby:1', alice.id, 'a1')).toBeNull();
    expect(await presence.isPresent('lobby:1', alice.id)).toBe(true);
    expect(await presence.leave('lobby:1', alice.id, 'a2')).toEqual(alice);
    expect(await presence.isPresent('lobby:1', alice.id)).toBe(false);
    expect(await presence.members('lobby:1')).toEqual([]);
  });

  it('keeps places apart and lists members in arrival order', async () => {
    const presence = new LocalPresence();
    await presence.join('lobby:1', bob, 'b1');
    await presence.join('lobby:1', alice, 'a1');
    await presence.join('lobby:2', alice, 'a2');
    expect(await presence.members('lobby:1')).toEqual([bob, alice]);
    expect(await presence.members('lobby:2')).toEqual([alice]);
  });

  it('ignores a leave for a connection it never saw', async () => {
    const presence = new LocalPresence();
    await presence.join('lobby:1', alice, 'a1');
    expect(await presence.leave('lobby:1', alice.id, 'zz')).toBeNull();
    expect(await presence.leave('lobby:9', alice.id, 'a1')).toBeNull();
    expect(await presence.members('lobby:1')).toEqual([alice]);
  });
});
