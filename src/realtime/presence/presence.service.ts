import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { describeFault } from '../../common/refusal.js';
import { AppConfig } from '../../config/app-config.js';
import { InstanceIdentity } from '../instance-identity.js';
import { type Departure, type Leave, type PresenceMember, type PresenceSnapshot, PresenceStore } from './presence-store.js';

export type DepartureListener = (departure: Departure) => void;

/**
 * This instance's view of presence. Every connection it records belongs to this instance, which renews its
 * lease every third of `presenceTtlMs`; entries of an instance that stops renewing (it crashed, or lost its
 * store) expire after at most `presenceTtlMs` plus one sweep, and the members they leave without a connection
 * are handed to the departure listeners, which announce them as if those connections had closed.
 * On shutdown the instance takes its entries out at once (the gateways have normally left by then).
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Presence');
  private readonly listeners = new Set<DepartureListener>();
  private stopTimer?: () => void;
  private failing = false;

  constructor(
    private readonly store: PresenceStore,
    private readonly instance: InstanceIdentity,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  get instanceId(): string {
    return this.instance.id;
  }

  /** Records a connection; resolves to the place's new version when it is the member's first one there, else null. */
  join<M extends PresenceMember>(place: string, member: M, connectionId: string): Promise<number | null> {
    return this.store.add(place, member, this.instance.id, connectionId);
  }

  /** Forgets a connection; resolves to the member and the new version when it was its last one there, else null. */
  leave<M extends PresenceMember>(place: string, memberId: number, connectionId: string): Promise<Leave<M> | null> {
    return this.store.remove<M>(place, memberId, this.instance.id, connectionId);
  }

  isPresent(place: string, memberId: number): Promise<boolean> {
    return this.store.has(place, memberId);
  }

  /** Present members, in the order they arrived, and the version they are as of. */
  snapshot<M extends PresenceMember>(place: string): Promise<PresenceSnapshot<M>> {
    return this.store.snapshot<M>(place);
  }

  /** Called for every member that expiry (not a close) took out of a place. Returns the unsubscribe. */
  onDeparture(listener: DepartureListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async onModuleInit(): Promise<void> {
    await this.renew();
    this.stopTimer = this.clock.every(Math.max(1, Math.floor(this.config.presenceTtlMs / 3)), () => void this.tick());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopTimer?.();
    try {
      this.announce(await this.store.removeInstance(this.instance.id));
    } catch (error) {
      this.logger.warn(`could not take this instance's presence out: ${describeFault(error)}`);
    }
  }

  /** Renews this instance's lease and expires the entries of instances that stopped renewing theirs. */
  async tick(): Promise<void> {
    try {
      await this.renew();
      this.announce(await this.store.expire(this.clock.now()));
      if (this.failing) this.logger.log('presence store reachable again');
      this.failing = false;
    } catch (error) {
      // Logged once per outage, not once per tick.
      if (!this.failing) this.logger.error(`presence lease renewal failed: ${describeFault(error)}`);
      this.failing = true;
    }
  }

  private renew(): Promise<void> {
    return this.store.renew(this.instance.id, this.clock.now() + this.config.presenceTtlMs);
  }

  private announce(departures: Departure[]): void {
    for (const departure of departures) for (const listener of this.listeners) listener(departure);
  }
}
