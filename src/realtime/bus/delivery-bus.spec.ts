import { describe, expect, it } from 'vitest';
import { BusHub } from '../../../test/support/bus-hub.js';
import { deliveryBusContract } from '../../../test/support/delivery-bus.contract.js';
import { defineChannel, LocalDeliveryBus } from './delivery-bus.js';
import { LocalHandlers } from './local-handlers.js';

deliveryBusContract('LocalDeliveryBus (one process)', async () => {
  const bus = new LocalDeliveryBus();
  return { a: bus, b: bus, crossProcess: false, close: async () => {} };
});

deliveryBusContract('BusHub (two simulated processes, as the test cluster joins them)', async () => {
  const hub = new BusHub();
  return { a: hub.bus(), b: hub.bus(), crossProcess: true, close: async () => {} };
});

describe('typed channels', () => {
  const CHAT = defineChannel<{ said: { text: string }; left: { uname: string } }>('chat');

  it("hands a subscriber each event with its own payload, narrowed by the event's name", async () => {
    const bus = new LocalDeliveryBus();
    const seen: string[] = [];
    await bus
      .subscribe(CHAT, (delivery) => {
        if (delivery.event === 'said') seen.push(`said ${delivery.data.text}`);
        else seen.push(`left ${delivery.data.uname}`);
      })
      .watch('r');
    bus.publish(CHAT, { room: 'r', event: 'said', data: { text: 'hi' } });
    bus.publish(CHAT, { room: 'r', event: 'left', data: { uname: 'ann' } });
    expect(seen).toEqual(['said hi', 'left ann']);
  });

  // Checked by `npm run typecheck`: each @ts-expect-error fails it once the line below it compiles.
  it('does not compile a payload that is not its event’s, nor an event the channel does not carry', () => {
    const bus = new LocalDeliveryBus();
    // @ts-expect-error `said` carries { text }, not { uname }
    bus.publish(CHAT, { room: 'r', event: 'said', data: { uname: 'ann' } });
    // @ts-expect-error the channel has no `joined` event
    bus.publish(CHAT, { room: 'r', event: 'joined', data: { uname: 'ann' } });
  });
});

describe('LocalHandlers', () => {
  const delivery = (room: string, n: number) => ({ room, event: 'e', data: { n } });

  it('keeps a room for its other handlers when one leaves, and announces the last one leaving, once', async () => {
    const handlers = new LocalHandlers();
    const got: string[] = [];
    const firstWatches: string[] = [];
    const lastUnwatches: string[] = [];
    const subscribe = (name: string) =>
      handlers.subscribe(
        (d) => got.push(`${name} ${(d.data as { n: number }).n}`),
        async (room) => void firstWatches.push(room),
        (room) => lastUnwatches.push(room),
      );
    const a = subscribe('a');
    const b = subscribe('b');
    await a.watch('r');
    await b.watch('r');
    handlers.deliver(delivery('r', 1));
    a.unwatch('r');
    handlers.deliver(delivery('r', 2));
    await a.watch('r');
    b.unwatch('r');
    handlers.deliver(delivery('r', 3));
    a.unwatch('r');
    handlers.deliver(delivery('r', 4));
    await b.watch('r');
    handlers.deliver(delivery('r', 5));
    expect(got).toEqual(['a 1', 'b 1', 'b 2', 'a 3', 'b 5']);
    expect(firstWatches).toEqual(['r', 'r']);
    expect(lastUnwatches).toEqual(['r']);
    expect(handlers.watchedRooms()).toEqual(['r']);
  });

  it("fails a room's later watches with its failed first one, until the room is left", async () => {
    const handlers = new LocalHandlers();
    let fail = true;
    const subscribe = () =>
      handlers.subscribe(
        () => {},
        async () => {
          if (fail) throw new Error('subscribe failed');
        },
      );
    const a = subscribe();
    const b = subscribe();
    await expect(a.watch('r')).rejects.toThrow('subscribe failed');
    await expect(b.watch('r')).rejects.toThrow('subscribe failed');
    a.unwatch('r');
    b.unwatch('r');
    fail = false;
    await expect(a.watch('r')).resolves.toBeUndefined();
    await expect(b.watch('r')).resolves.toBeUndefined();
  });
});
