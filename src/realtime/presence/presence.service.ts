import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../../common/clock.js';
import { promiseFrom } from '../../common/promise-from.js';
import { describeFault } from '../../common/refusal.js';
import { clusterSettings } from '../../config/areas/cluster.settings.js';
import { InstanceIdentity } from '../bus/instance-identity.js';
import { HeldConnections } from './held-connections.js';
import {
  type Departure,
  type Leave,
  type PresenceMember,
  type PresenceSnapshot,
  PresenceStore,
} from './presence-store.js';

/** A presence change found by the service rather than caused by a connection: expiry, or a rebuild. */
export interface PresenceEvent {
  kind: 'departed' | 'arrived';
  place: string;
  member: PresenceMember;
  version: number;
}

export type PresenceListener = (event: PresenceEvent) => void;

/**
 * This instance's view of presence. Every connection it records belongs to this instance, which renews its
 * lease every third of `presenceTtlMs`; entries of an instance that stops renewing (it crashed, or lost the
 * store) expire after at most `presenceTtlMs` plus one sweep, and the members this leaves with no connection are
 * handed to the listeners as `departed`, to be announced as if those connections had closed.
 *
 * The store may fail (Redis down). Meanwhile joins and leaves are kept locally and announced nowhere, and reads
 * answer from what this instance holds. When the store answers again without knowing this instance (it
 * restarted empty, or expired us), the instance records everything it holds again; members the store did not
 * have are handed to the listeners as `arrived`. After such a rebuild it waits one lease before expiring
 * others, so the instances that are rebuilding too are not taken for dead.
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Presence');
  private readonly listeners = new Set<PresenceListener>();
  private readonly held = new HeldConnections();
  private stopTimer?: () => void;
  private storeFailing = false;
  private sweepAfter = 0;

  constructor(
    private readonly store: PresenceStore,
    private readonly instance: InstanceIdentity,
    private readonly clock: Clock,
    @Inject(clusterSettings.KEY) private readonly cluster: ConfigType<typeof clusterSettings>,
  ) {}

  /** Records a connection; resolves to the place's new version when it is the member's first one there, else null. */
  async join<M extends PresenceMember>(place: string, member: M, connectionId: string): Promise<number | null> {
    this.held.add(place, member, connectionId);
    return this.attempt(
      () => this.store.add(place, member, this.instance.id, connectionId),
      () => null,
    );
  }

  /** Forgets a connection; resolves to the member and the new version when it was its last one there, else null. */
  async leave<M extends PresenceMember>(
    place: string,
    memberId: number,
    connectionId: string,
  ): Promise<Leave<M> | null> {
    this.held.remove(place, connectionId);
    return this.attempt(
      () => this.store.remove<M>(place, memberId, this.instance.id, connectionId),
      () => null,
    );
  }

  /**
   * Whether the member has a connection in the place on any instance: a boolean when the store answers at once (it
   * lives in this process), so that a per-message caller can skip an await; otherwise the store's answer to come.
   */
  isPresent(place: string, memberId: number): boolean | Promise<boolean> {
    return (
      this.store.hasNow(place, memberId) ??
      this.attempt(
        () => this.store.has(place, memberId),
        () => this.held.has(place, memberId),
      )
    );
  }

  /** Present members, in the order they arrived, and the version they are as of. */
  snapshot<M extends PresenceMember>(place: string): Promise<PresenceSnapshot<M>> {
    return this.attempt(
      () => this.store.snapshot<M>(place),
      () => ({ members: this.held.members(place) as M[], version: 0 }),
    );
  }

  /** Called for every member that expiry took out of a place or a rebuild put back. Returns the unsubscribe. */
  onChange(listener: PresenceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async onModuleInit(): Promise<void> {
    await this.tick();
    this.stopTimer = this.clock.every(Math.max(1, Math.floor(this.cluster.presenceTtlMs / 3)), () => void this.tick());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopTimer?.();
    try {
      this.announce('departed', await this.store.removeInstance(this.instance.id));
    } catch (error) {
      this.logger.warn(`could not take this instance's presence out: ${describeFault(error)}`);
    }
  }

  /** Renews this instance's lease, rebuilds what the store lost, and expires instances that stopped renewing. */
  async tick(): Promise<void> {
    try {
      const now = this.clock.now();
      if (!(await this.store.renew(this.instance.id, now + this.cluster.presenceTtlMs)) && this.held.size > 0) {
        await this.rebuild();
        this.sweepAfter = now + this.cluster.presenceTtlMs;
      }
      if (now >= this.sweepAfter) this.announce('departed', await this.store.expire(now));
      this.recovered();
    } catch (error) {
      this.failed(error);
    }
  }

  private async rebuild(): Promise<void> {
    this.logger.log(`recording this instance's ${this.held.size} connection(s) in the presence store again`);
    for (const { place, member, connectionId } of this.held.entries()) {
      const version = await this.store.add(place, member, this.instance.id, connectionId);
      if (version !== null) this.announce('arrived', [{ place, member, version }]);
    }
  }

  /** Chains on the store's promise rather than awaiting it in an async function: `isPresent` runs per message. */
  private attempt<T>(operation: () => Promise<T>, fallback: () => T): Promise<T> {
    return promiseFrom(operation).then(
      (result) => {
        this.recovered();
        return result;
      },
      (error: unknown) => {
        this.failed(error);
        return fallback();
      },
    );
  }

  /** Logged once per outage, not once per operation. */
  private failed(error: unknown): void {
    if (!this.storeFailing)
      this.logger.error(`presence store unreachable, answering from this instance: ${describeFault(error)}`);
    this.storeFailing = true;
  }

  private recovered(): void {
    if (this.storeFailing) this.logger.log('presence store reachable again');
    this.storeFailing = false;
  }

  private announce(kind: PresenceEvent['kind'], changes: Departure[]): void {
    for (const change of changes) for (const listener of this.listeners) listener({ kind, ...change });
  }
}
