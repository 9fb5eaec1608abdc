/**
 * One frame (or event) for every connection in a room, wherever that connection is held. Gateways never fan
 * out by themselves: they publish a Delivery and deliver the ones they receive to their own local sockets,
 * which is what lets several instances share delivery once the bus crosses processes.
 * A Delivery must survive JSON serialization.
 */
export interface Delivery {
  room: string;
  event: string;
  data: unknown;
  /** A connection that must not get it (the protocol's "to everyone but the sender"). */
  exceptConnection?: string;
}

export type DeliveryHandler = (delivery: Delivery) => void;

export abstract class DeliveryBus {
  abstract publish(channel: string, delivery: Delivery): void;
  /** Returns the function that unsubscribes. */
  abstract subscribe(channel: string, handler: DeliveryHandler): () => void;
}

/**
 * The single-instance bus: handlers run synchronously inside publish, so a publisher that acknowledges
 * after publishing puts the broadcast on the wire before its ack.
 */
export class LocalDeliveryBus extends DeliveryBus {
  private readonly handlers = new Map<string, Set<DeliveryHandler>>();

  publish(channel: string, delivery: Delivery): void {
    for (const handler of this.handlers.get(channel) ?? []) handler(delivery);
  }

  subscribe(channel: string, handler: DeliveryHandler): () => void {
    const set = this.handlers.get(channel) ?? new Set();
    set.add(handler);
    this.handlers.set(channel, set);
    return () => set.delete(handler);
  }
}
