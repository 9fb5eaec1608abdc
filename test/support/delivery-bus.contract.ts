import { describe, expect, it } from 'vitest';
import {
  defineChannel,
  type Delivery,
  type DeliveryBus,
  type MissedMessages,
  type Publication,
} from '../../src/realtime/bus/delivery-bus.js';
import { until } from './until.js';

type Events = { e: { n: number } };
const CH = defineChannel<Events>('ch');
const OTHER = defineChannel<Events>('other');

/** Cuts a link between the two processes; `restore` gives it back once what was published meanwhile is lost. */
export type CutLink = () => Promise<{ restore(): Promise<void> }>;

/** The links of a bus that can lose them: `b`'s for receiving, `a`'s for publishing. */
export interface Links {
  subscriberOfB: CutLink;
  publisherOfA: CutLink;
}

/**
 * The DeliveryBus contract (delivery-bus.ts), for any implementation. `pair` makes two buses of two processes
 * joined by the implementation under test; a single-process bus passes the same bus twice. A bus whose links can be
 * lost (`losesLinks`) gives `links`, and is held to its gap repair; the others cannot lose a delivery.
 */
export function deliveryBusContract(
  name: string,
  pair: () => Promise<{
    a: DeliveryBus;
    b: DeliveryBus;
    crossProcess: boolean;
    links?: Links;
    close(): Promise<void>;
  }>,
  losesLinks = false,
) {
  const linkedPair = async () => {
    const made = await pair();
    if (!made.links) throw new Error(`${name} loses links but gives none to cut`);
    return { ...made, links: made.links };
  };
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
      // A marker each way: b's reaches a after any echo of a's own publications, a's reaches b after any second copy.
      b.publish(CH, delivery('r', 21));
      await until(() => onA.includes(21), { what: "b's marker on a" });
      a.publish(CH, delivery('r', 22));
      await until(() => onB.includes(22), { what: "a's marker on b" });
      expect(onA).toEqual([...all, 21, 22]);
      expect(onB).toEqual([...all, 21, 22]);
      await close();
    });

    it('hands one room and subject’s presence changes over in version order, dropping an older one that comes later', async () => {
      const { a, b, crossProcess, close } = await pair();
      const onB: Delivery<Events>[] = [];
      await b.subscribe(CH, (d) => onB.push(d)).watch('r');
      const change = (n: number, presenceOf: string, presenceVersion: number): Publication<Events, 'e'> => ({
        room: 'r',
        event: 'e',
        data: { n },
        presenceOf,
        presenceVersion,
      });
      // b's own newer change of m is handed over at once; a's older one of m, and its change of x, come later.
      a.publish(CH, change(1, 'm', 5));
      a.publish(CH, change(2, 'x', 4));
      b.publish(CH, change(3, 'm', 6));
      a.publish(CH, delivery('r', 4));
      await until(() => onB.some((d) => d.data.n === 4), { what: "a's marker on b" });
      // In one process nothing crosses: each change is handed over as it is published.
      expect(onB.map((d) => d.data.n)).toEqual(crossProcess ? [3, 2, 4] : [1, 2, 3, 4]);
      await close();
    });

    it.runIf(losesLinks)(
      'after a lost link, delivers what the room missed in id order, once, before what arrived during the read',
      async () => {
        const { a, b, links, close } = await linkedPair();
        // The database: every delivery that carries a message id is stored before it is published.
        const stored: Delivery<Events>[] = [];
        const publishStored = (bus: DeliveryBus, n: number, exceptConnection?: string) => {
          stored.push(delivery('r', n));
          bus.publish(CH, { ...delivery('r', n), ...(exceptConnection ? { exceptConnection } : {}) });
        };
        const reads: { afterId: number; limit: number; answer(found: Delivery<Events>[]): void }[] = [];
        const read: MissedMessages<Events> = (room, afterId, limit) =>
          new Promise((resolve) => {
            expect(room).toBe('r');
            reads.push({ afterId, limit, answer: (deliveries) => resolve({ deliveries, complete: true }) });
          });
        b.recoverWith(CH, read);
        const got: number[] = [];
        const excepted: (string | undefined)[] = [];
        const subscription = b.subscribe(CH, (d) => {
          got.push(d.data.n);
          excepted.push(d.exceptConnection);
        });
        await subscription.watch('r');
        subscription.caughtUp('r', 0);
        // Markers on another channel, through the same link and in publish order: b has received what `a` published
        // on CH before a marker once the marker arrives.
        const markers: number[] = [];
        await b.subscribe(OTHER, (d) => markers.push(d.data.n)).watch('r');
        const marker = async (n: number) => {
          a.publish(OTHER, delivery('r', n));
          await until(() => markers.includes(n), { what: `marker ${n} on b`, timeoutMs: 5000 });
        };

        publishStored(a, 1);
        publishStored(a, 2);
        await marker(100);
        expect(got).toEqual([1, 2]);

        const link = await links.subscriberOfB();
        publishStored(a, 3);
        publishStored(b, 4);
        expect(got).toEqual([1, 2, 4]);
        await link.restore();
        await until(() => reads.length === 1, { what: 'the repair read', timeoutMs: 5000 });
        expect(reads.map(({ afterId }) => afterId)).toEqual([2]);

        // While the read runs: 5 is stored in time for it (and arrives live as well, for all but its sender's
        // connection), 6 and b's own 7 only after. 9 is stored in time too, but its writer publishes it only
        // after the repair is done (its instance was busy).
        publishStored(a, 5, 'sender');
        stored.push(delivery('r', 9));
        const found = stored.filter((d) => (d.messageId ?? 0) > reads[0].afterId);
        publishStored(a, 6);
        publishStored(b, 7);
        await marker(101);
        expect(got).toEqual([1, 2, 4]);
        reads[0].answer(found);
        await until(() => got.length >= 8, { what: 'the repaired and the held deliveries' });
        a.publish(CH, delivery('r', 9));
        publishStored(a, 8);
        await marker(102);
        // The read's 3, 5 and 9 (4 was b's own, delivered already), then the held ones in arrival order: b's own 7
        // at once, a's 6 through the link; 9's late live copy is dropped.
        expect(got).toEqual([1, 2, 4, 3, 5, 9, 7, 6, 8]);
        // The live copy of 5 went out in the read's place: its sender's connection is still spared it.
        expect(excepted[got.indexOf(5)]).toBe('sender');
        expect(reads).toHaveLength(1);
        await close();
      },
    );

    it.runIf(losesLinks)(
      'repairs a room first watched during an outage from where its first auth reply left it',
      async () => {
        const { a, b, links, close } = await linkedPair();
        const stored: Delivery<Events>[] = [];
        const publishStored = (bus: DeliveryBus, n: number) => {
          stored.push(delivery('r', n));
          bus.publish(CH, delivery('r', n));
        };
        const reads: number[] = [];
        b.recoverWith(CH, async (room, afterId) => {
          reads.push(afterId);
          return { deliveries: stored.filter((d) => d.room === room && (d.messageId ?? 0) > afterId), complete: true };
        });
        const markers: number[] = [];
        await b.subscribe(OTHER, (d) => markers.push(d.data.n)).watch('r');

        const link = await links.subscriberOfB();
        const got: number[] = [];
        const subscription = b.subscribe(CH, (d) => got.push(d.data.n));
        await subscription.watch('r');
        publishStored(a, 1);
        publishStored(a, 2);
        await link.restore();
        a.publish(OTHER, delivery('r', 100));
        await until(() => markers.includes(100), { what: 'the marker on b', timeoutMs: 5000 });
        // Back, but with nothing to say how far the room's connections are, nothing is read yet.
        expect(reads).toEqual([]);
        // Its first auth reply, read during the outage, held 1.
        subscription.caughtUp('r', 1);
        await until(() => got.length > 0, { what: 'the repair', timeoutMs: 5000 });
        publishStored(a, 3);
        await until(() => got.length > 1, { what: 'a live delivery' });
        expect(got).toEqual([2, 3]);
        expect(reads).toEqual([1]);
        await close();
      },
    );

    it.runIf(losesLinks)(
      'reads again a second later when the repair read fails, live deliveries going out meanwhile',
      async () => {
        const { a, b, links, close } = await linkedPair();
        const stored: Delivery<Events>[] = [];
        const publishStored = (bus: DeliveryBus, n: number) => {
          stored.push(delivery('r', n));
          bus.publish(CH, delivery('r', n));
        };
        const reads: number[] = [];
        b.recoverWith(CH, async (room, afterId) => {
          reads.push(afterId);
          if (reads.length === 1) throw new Error('the database is away too');
          return { deliveries: stored.filter((d) => d.room === room && (d.messageId ?? 0) > afterId), complete: true };
        });
        const got: number[] = [];
        const subscription = b.subscribe(CH, (d) => got.push(d.data.n));
        await subscription.watch('r');
        subscription.caughtUp('r', 0);

        const link = await links.subscriberOfB();
        publishStored(a, 1);
        await link.restore();
        await until(() => reads.length === 1, { what: 'the first repair read', timeoutMs: 5000 });
        publishStored(a, 2);
        await until(() => got.length === 1, { what: 'the live delivery', timeoutMs: 5000 });
        await until(() => got.length === 2, { what: 'the second repair read', timeoutMs: 5000 });
        expect(got).toEqual([2, 1]);
        expect(reads).toEqual([0, 0]);
        await close();
      },
    );

    it.runIf(losesLinks)(
      'after a lost publication, lets the others read the messages it announced, those still stored, once',
      async () => {
        const { a, b, links, close } = await linkedPair();
        let stored: Delivery<Events>[] = [];
        const publishStored = (bus: DeliveryBus, n: number) => {
          stored.push(delivery('r', n));
          bus.publish(CH, delivery('r', n));
        };
        const reads: number[] = [];
        b.recoverWith(CH, async (room, afterId) => {
          reads.push(afterId);
          return { deliveries: stored.filter((d) => d.room === room && (d.messageId ?? 0) > afterId), complete: true };
        });
        const got: number[] = [];
        const subscription = b.subscribe(CH, (d) => got.push(d.data.n));
        await subscription.watch('r');
        subscription.caughtUp('r', 0);
        const markers: number[] = [];
        await b.subscribe(OTHER, (d) => markers.push(d.data.n)).watch('r');
        const marker = async (n: number) => {
          a.publish(OTHER, delivery('r', n));
          await until(() => markers.includes(n), { what: `marker ${n} on b`, timeoutMs: 5000 });
        };
        publishStored(a, 1);
        await marker(100);

        const link = await links.publisherOfA();
        publishStored(a, 2);
        publishStored(a, 3);
        publishStored(b, 4);
        // 3 is deleted before a can tell: it must not come back.
        stored = stored.filter((d) => d.data.n !== 3);
        await link.restore();
        await until(() => got.includes(2), { what: 'the message a could not publish, on b', timeoutMs: 5000 });
        await marker(101);
        expect(got).toEqual([1, 4, 2]);
        expect(reads).toEqual([1]);
        await close();
      },
    );

    it('stops every watch when a subscription closes', async () => {
      const { a, b, close } = await pair();
      const got: number[] = [];
      const subscription = b.subscribe(CH, (d) => got.push(d.data.n));
      await subscription.watch('r');
      // A marker in another room, published after the others: what reached b for the closed watch came before it.
      const marked: number[] = [];
      await b.subscribe(CH, (d) => marked.push(d.data.n)).watch('m');
      subscription.close();
      a.publish(CH, delivery('r', 1));
      b.publish(CH, delivery('r', 2));
      a.publish(CH, delivery('m', 3));
      await until(() => marked.length > 0, { what: 'the marker on b' });
      expect(marked).toEqual([3]);
      expect(got).toEqual([]);
      await close();
    });
  });
}
