import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/fake-clock.js';
import { presenceStoreContract } from '../../../test/support/presence-store.contract.js';
import { loadConfig } from '../../config/app-config.js';
import { InstanceIdentity } from '../bus/instance-identity.js';
import { InMemoryPresenceStore } from './in-memory-presence.store.js';
import type { Departure } from './presence-store.js';
import { PresenceService } from './presence.service.js';

presenceStoreContract('InMemoryPresenceStore', async () => ({
  store: new InMemoryPresenceStore(),
  close: async () => {},
}));

describe('InMemoryPresenceStore snapshots', () => {
  it('gives one list to every read between two changes of the members, and a new one after each change', async () => {
    const store = new InMemoryPresenceStore();
    const alice = { id: 1, uname: 'alice' };
    const bob = { id: 2, uname: 'bob' };
    await store.add('p', alice, 'i', 'c1');
    const first = await store.snapshot('p');
    // A second connection of a member already there changes no member: the same list.
    await store.add('p', alice, 'i', 'c2');
    expect(await store.snapshot('p')).toBe(first);
    await store.add('p', bob, 'i', 'c3');
    const second = await store.snapshot('p');
    expect(second).toEqual({ members: [alice, bob], version: 2 });
    expect(first).toEqual({ members: [alice], version: 1 });
    await store.remove('p', 1, 'i', 'c1');
    expect(await store.snapshot('p')).toBe(second);
    await store.remove('p', 1, 'i', 'c2');
    expect(await store.snapshot('p')).toEqual({ members: [bob], version: 3 });
    // Emptied and entered again: the list is the new members', not what was kept before it emptied.
    await store.remove('p', 2, 'i', 'c3');
    expect(await store.snapshot('p')).toEqual({ members: [], version: 4 });
    await store.add('p', alice, 'i', 'c4');
    expect(await store.snapshot('p')).toEqual({ members: [alice], version: 5 });
  });
});

describe('PresenceService leases', () => {
  const config = loadConfig({ PRESENCE_TTL_MS: '3000' }).cluster;
  const member = { id: 1, uname: 'alice' };

  it('keeps a live instance’s members and expires a silent one’s within the bound, announcing each once', async () => {
    const store = new InMemoryPresenceStore();
    const clock = new FakeClock();
    const live = new PresenceService(store, new InstanceIdentity(), clock, config);
    // The silent instance renews on a clock nobody advances: it started, then stopped renewing.
    const silent = new PresenceService(store, new InstanceIdentity(), new FakeClock(clock.now()), config);
    const departures: Departure[] = [];
    live.onChange(({ kind, ...departure }) => kind === 'departed' && departures.push(departure));
    await live.onModuleInit();
    await silent.onModuleInit();
    await live.join('p', { id: 2 }, 'c2');
    await silent.join('p', member, 'c1');

    clock.advance(3000);
    await flushPromises();
    expect(departures).toEqual([]);
    expect(await members(live, 'p')).toEqual([{ id: 2 }, member]);

    clock.advance(1000); // past the silent lease (3 s) plus at most one sweep (1 s)
    await flushPromises();
    expect(departures).toEqual([{ place: 'p', member, version: 3 }]);
    expect(await members(live, 'p')).toEqual([{ id: 2 }]);
    clock.advance(5000);
    await flushPromises();
    expect(departures).toHaveLength(1);
    await live.onApplicationShutdown();
  });

  it('takes its own entries out on shutdown and announces the members that leaves', async () => {
    const store = new InMemoryPresenceStore();
    const clock = new FakeClock();
    const presence = new PresenceService(store, new InstanceIdentity(), clock, config);
    const departures: Departure[] = [];
    presence.onChange(({ kind, ...departure }) => kind === 'departed' && departures.push(departure));
    await presence.onModuleInit();
    await presence.join('p', member, 'c1');
    await presence.onApplicationShutdown();
    expect(departures).toEqual([{ place: 'p', member, version: 2 }]);
    expect(await members(store, 'p')).toEqual([]);
  });
});

async function members(presence: { snapshot(place: string): Promise<{ members: readonly unknown[] }> }, place: string) {
  return (await presence.snapshot(place)).members;
}

function flushPromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
