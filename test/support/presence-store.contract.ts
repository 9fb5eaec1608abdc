import { describe, expect, it } from 'vitest';
import type { PresenceStore } from '../../src/realtime/presence/presence-store.js';

/** The PresenceStore guarantees (presence-store.ts), for any implementation; `fresh` gives an empty store. */
export function presenceStoreContract(
  name: string,
  fresh: () => Promise<{ store: PresenceStore; close(): Promise<void> }>,
) {
  const alice = { id: 1, uname: 'alice' };
  const bob = { id: 2, uname: 'bob' };

  describe(`PresenceStore contract: ${name}`, () => {
    it('reports only a member’s first connection anywhere and its last one leaving, each with a new version', async () => {
      const { store, close } = await fresh();
      // Where a place's versions start is the store's choice (Redis starts at its clock); each change adds one.
      const v = (await store.add('p', alice, 'i1', 'a1')) as number;
      expect(v).toBeGreaterThan(0);
      expect(await store.add('p', alice, 'i2', 'a2')).toBeNull();
      expect(await store.remove('p', alice.id, 'i1', 'a1')).toBeNull();
      expect(await store.has('p', alice.id)).toBe(true);
      expect(await store.snapshot('p')).toEqual({ members: [alice], version: v });
      expect(await store.remove('p', alice.id, 'i2', 'a2')).toEqual({ member: alice, version: v + 1 });
      expect(await store.has('p', alice.id)).toBe(false);
      expect(await store.snapshot('p')).toEqual({ members: [], version: v + 1 });
      expect(await store.add('p', bob, 'i1', 'b1')).toBe(v + 2);
      expect(await store.add('other', bob, 'i1', 'b1')).toBeGreaterThan(0);
      await close();
    });

    it('answers `hasNow` as `has` does, or not at all', async () => {
      const { store, close } = await fresh();
      await store.add('p', alice, 'i1', 'a1');
      for (const [place, id] of [
        ['p', alice.id],
        ['p', bob.id],
        ['q', alice.id],
      ] as const) {
        const now = store.hasNow(place, id);
        if (now !== undefined) expect(now).toBe(await store.has(place, id));
      }
      await store.remove('p', alice.id, 'i1', 'a1');
      expect([undefined, false]).toContain(store.hasNow('p', alice.id));
      await close();
    });

    it('keeps places apart, lists members in arrival order, ignores unknown connections', async () => {
      const { store, close } = await fresh();
      await store.add('p1', bob, 'i1', 'b1');
      await store.add('p1', alice, 'i1', 'a1');
      await store.add('p2', alice, 'i1', 'a2');
      expect(await members(store, 'p1')).toEqual([bob, alice]);
      expect(await members(store, 'p2')).toEqual([alice]);
      expect(await store.remove('p1', alice.id, 'i1', 'zz')).toBeNull();
      expect(await store.remove('p1', alice.id, 'i2', 'a1')).toBeNull();
      expect(await store.remove('p9', alice.id, 'i1', 'a1')).toBeNull();
      expect(await members(store, 'p1')).toEqual([bob, alice]);
      await close();
    });

    it('expires the entries of an instance whose lease ran out, once, reporting members left with no connection', async () => {
      const { store, close } = await fresh();
      await store.renew('live', 10_000);
      await store.renew('dead', 5_000);
      await store.add('p', alice, 'dead', 'a1');
      await store.add('p', alice, 'live', 'a2');
      const p = (await store.add('p', bob, 'dead', 'b1')) as number;
      const q = (await store.add('q', bob, 'dead', 'b2')) as number;
      expect(await store.expire(4_999)).toEqual([]);
      const departures = await store.expire(5_001);
      expect(departures).toHaveLength(2);
      expect(departures).toEqual(
        expect.arrayContaining([
          { place: 'p', member: bob, version: p + 1 },
          { place: 'q', member: bob, version: q + 1 },
        ]),
      );
      expect(await store.expire(5_002)).toEqual([]);
      expect(await members(store, 'p')).toEqual([alice]);
      expect(await store.has('q', bob.id)).toBe(false);
      await close();
    });

    it('removes one instance at once on shutdown', async () => {
      const { store, close } = await fresh();
      await store.renew('i1', 10_000);
      await store.add('p', alice, 'i1', 'a1');
      const v = (await store.add('p', bob, 'i1', 'b1')) as number;
      await store.add('p', bob, 'i2', 'b2');
      expect(await store.removeInstance('i1')).toEqual([{ place: 'p', member: alice, version: v + 1 }]);
      expect(await members(store, 'p')).toEqual([bob]);
      await close();
    });
  });
}

async function members(store: PresenceStore, place: string) {
  return (await store.snapshot(place)).members;
}
