import type { PresenceMember } from './presence-store.js';

interface Held {
  place: string;
  member: PresenceMember;
  connectionId: string;
}

/**
 * The connections this instance has recorded in presence: what it answers from, and records again, when the store
 * fails. Held as each place's members by connection id (the id string is the connection's own), so a connection
 * costs one map entry here.
 */
export class HeldConnections {
  private readonly places = new Map<string, Map<string, PresenceMember>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(place: string, member: PresenceMember, connectionId: string): void {
    let members = this.places.get(place);
    if (!members) this.places.set(place, (members = new Map()));
    const before = members.size;
    members.set(connectionId, member);
    this.count += members.size - before;
  }

  remove(place: string, connectionId: string): void {
    const members = this.places.get(place);
    if (!members?.delete(connectionId)) return;
    this.count -= 1;
    if (members.size === 0) this.places.delete(place);
  }

  has(place: string, memberId: number): boolean {
    for (const member of this.places.get(place)?.values() ?? []) if (member.id === memberId) return true;
    return false;
  }

  /** Members of a place with a connection here, once each, in the order they were recorded. */
  members(place: string): PresenceMember[] {
    const members = new Map<number, PresenceMember>();
    for (const member of this.places.get(place)?.values() ?? []) members.set(member.id, member);
    return [...members.values()];
  }

  entries(): Held[] {
    return [...this.places].flatMap(([place, members]) =>
      [...members].map(([connectionId, member]) => ({ place, member, connectionId })),
    );
  }
}
