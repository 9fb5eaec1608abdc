import { describe, expect, it } from 'vitest';
import { BusHub } from '../../../test/support/bus-hub.js';
import { deliveryBusContract } from '../../../test/support/delivery-bus.contract.js';
import { defineChannel, LocalDeliveryBus } from './delivery-bus.js';

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
