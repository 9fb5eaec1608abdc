import {
  type Departure,
  type Leave,
  type PresenceMember,
  type PresenceSnapshot,
  PresenceStore,
} from './presence-store.js';

interface MemberEntry {
  member: PresenceMember;
  /** `instanceId connectionId` of every live connection: the one key alone, or a Set of several. */
  connections: string | Set<string>;
}

/**
 * Presence in this process's memory: exact for a single instance, and shared by several in-process instances
 * in tests. Every operation is synchronous inside, so each is atomic.
 */
export class InMemoryPresenceStore extends PresenceStore {
  private readonly places = new Map<string, Map<number, MemberEntry>>();
  private readonly leases = new Map<string, number>();
  private readonly versions = new Map<string, number>();
  /**
   * Each occupied place's last snapshot, given again while its version stands (every change of its members bumps
   * it): the sockets entering a lobby between two changes share one list rather than each copying it.
   */
  private readonly snapshots = new Map<string, PresenceSnapshot>();
  /** Where each instance has connections, so expiry touches only those. */
  private readonly byInstance = new Map<string, Set<string>>();

  async add(place: string, member: PresenceMember, instanceId: string, connectionId: string): Promise<number | null> {
    const members = this.places.get(place) ?? new Map<number, MemberEntry>();
    this.places.set(place, members);
    this.placesOf(instanceId).add(place);
    const entry = members.get(member.id);
    const connection = key(instanceId, connectionId);
    if (entry) {
      if (typeof entry.connections !== 'string') entry.connections.add(connection);
      else if (entry.connections !== connection) entry.connections = new Set([entry.connections, connection]);
      return null;
    }
    members.set(member.id, { member, connections: connection });
    return this.bump(place);
  }

  async remove<M extends PresenceMember>(
    place: string,
    memberId: number,
    instanceId: string,
    connectionId: string,
  ): Promise<Leave<M> | null> {
    return this.removeConnections(
      place,
      memberId,
      (connection) => connection === key(instanceId, connectionId),
    ) as Leave<M> | null;
  }

  async has(place: string, memberId: number): Promise<boolean> {
    return this.hasNow(place, memberId);
  }

  override hasNow(place: string, memberId: number): boolean {
    return this.places.get(place)?.has(memberId) ?? false;
  }

  async snapshot<M extends PresenceMember>(place: string): Promise<PresenceSnapshot<M>> {
    const version = this.versions.get(place) ?? 0;
    const last = this.snapshots.get(place);
    if (last?.version === version) return last as PresenceSnapshot<M>;
    const members = [...(this.places.get(place)?.values() ?? [])].map((entry) => entry.member);
    const snapshot: PresenceSnapshot = { members, version };
    if (members.length > 0) this.snapshots.set(place, snapshot);
    return snapshot as PresenceSnapshot<M>;
  }

  async renew(instanceId: string, expiresAt: number): Promise<boolean> {
    const known = this.leases.has(instanceId);
    this.leases.set(instanceId, expiresAt);
    return known;
  }

  async expire(now: number): Promise<Departure[]> {
    const ended = [...this.leases].filter(([, expiresAt]) => expiresAt < now).map(([instanceId]) => instanceId);
    return (await Promise.all(ended.map((instanceId) => this.removeInstance(instanceId)))).flat();
  }

  async removeInstance(instanceId: string): Promise<Departure[]> {
    this.leases.delete(instanceId);
    const places = this.byInstance.get(instanceId) ?? new Set<string>();
    this.byInstance.delete(instanceId);
    const prefix = key(instanceId, '');
    const departures: Departure[] = [];
    for (const place of places) {
      for (const memberId of [...(this.places.get(place)?.keys() ?? [])]) {
        const left = this.removeConnections(place, memberId, (connection) => connection.startsWith(prefix));
        if (left) departures.push({ place, ...left });
      }
    }
    return departures;
  }

  private removeConnections(place: string, memberId: number, matches: (connection: string) => boolean): Leave | null {
    const members = this.places.get(place);
    const entry = members?.get(memberId);
    if (!members || !entry) return null;
    if (typeof entry.connections === 'string') {
      if (!matches(entry.connections)) return null;
    } else {
      const before = entry.connections.size;
      for (const connection of entry.connections) if (matches(connection)) entry.connections.delete(connection);
      if (entry.connections.size === before || entry.connections.size > 0) return null;
    }
    members.delete(memberId);
    if (members.size === 0) {
      this.places.delete(place);
      this.snapshots.delete(place);
    }
    return { member: entry.member, version: this.bump(place) };
  }

  private bump(place: string): number {
    const version = (this.versions.get(place) ?? 0) + 1;
    this.versions.set(place, version);
    return version;
  }

  private placesOf(instanceId: string): Set<string> {
    let places = this.byInstance.get(instanceId);
    if (!places) this.byInstance.set(instanceId, (places = new Set()));
    return places;
  }
}

function key(instanceId: string, connectionId: string): string {
  return `${instanceId} ${connectionId}`;
}
