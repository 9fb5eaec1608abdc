import { describe, expect, it } from 'vitest';
import { defineChannel, type DeliveryBus, type Publication } from '../../src/realtime/bus/delivery-bus.js';
import { until } from './until.js';

type Events = { e: { n: number } };
const CH = defineChannel<Events>('ch');
const OTHER = defineChannel<Events>('other');

/**
 * The DeliveryBus contract (delivery-bus.ts), for any implementation. `pair` makes two buses of two processes
 * joined by the implementation under test; a single-process bus passes the same bus twice.
 */
export function deliveryBusContract(
  name: string,
  pair: () => Promise<{ a: DeliveryBus; b: DeliveryBus; crossProcess: boolean; close(): Promise<void> }>,
) {
  const delivery = (room: string, n: number): Publication<Events, 'e'> => ({
    room,
    event: 'e',
    data: { n },
    messageId: n,
  });

  describe(`DeliveryBus contract: ${name}`, () => {
    it('delivers to local subscribers of the room synchronously, before publish returns, in order', async () => {
      const { a, close } = await pair();
      const got: unknown[] = [];
      const subscription = a.subscribe(CH, (d) => got.push(d));
      await subscription.watch('r1');
      a.publish(CH, delivery('r1', 1));
      a.publish(CH, delivery('r1', 2));
      expect(got).toEqual([delivery('r1', 1), delivery('r1', 2)]);
      await close();
    });

    it('wakes a subscriber only for the rooms it watches, and counts watches', async () => {
      const { a, close } = await pair();
      const got: unknown[] = [];
      const subscription = a.subscribe(CH, (d) => got.push(d.data.n));
      await subscription.watch('r1');
      await subscription.watch('r1');
      a.publish(CH, delivery('r2', 1));
      a.publish(OTHER, delivery('r1', 2));
      a.publish(CH, delivery('r1', 3));
      subscription.unwatch('r1');
      a.publish(CH, delivery('r1', 4));
      subscription.unwatch('r1');
      a.publish(CH, delivery('r1', 5));
      expect(got).toEqual([3, 4]);
      await close();
    });

    it('reaches the other process later, in publish order, exactly once, and never echoes', async () => {
      const { a, b, crossProcess, close } = await pair();
      const onA: number[] = [];
      const onB: number[] = [];
      await a.subscribe(CH, (d) => onA.push(d.data.n)).watch('r');
      await b.subscribe(CH, (d) => onB.push(d.data.n)).watch('r');
      for (let n = 1; n <= 20; n++) a.publish(CH, delivery('r', n));
      const all = Array.from({ length: 20 }, (_, i) => i + 1);
      expect(onA).toEqual(all);
      if (crossProcess) {
        expect(onB).toEqual([]);
        await until(() => onB.length >= 20);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(onA).toEqual(all);
      expect(onB).toEqual(all);
      await close();
    });

    it('stops every watch when a subscription closes', async () => {
      const { a, b, close } = await pair();
      const got: number[] = [];
      const subscription = b.subscribe(CH, (d) => got.push(d.data.n));
      await subscription.watch('r');
      subscription.close();
      a.publish(CH, delivery('r', 1));
      b.publish(CH, delivery('r', 2));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(got).toEqual([]);
      await close();
    });
  });
}
