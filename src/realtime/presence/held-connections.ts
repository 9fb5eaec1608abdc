import type { PresenceMember } from './presence-store.js';

interface Held {
  place: string;
  member: PresenceMember;
  connectionId: string;
}

/** The connections this instance has recorded in presence: what it answers from, and records again, when the store fails. */
export class HeldConnections {
  private readonly byKey = new Map<string, Held>();

  get size(): number {
    return this.byKey.size;
  }

  add(place: string, member: PresenceMember, connectionId: string): void {
    this.byKey.set(key(place, connectionId), { place, member, connectionId });
  }

  remove(place: string, connectionId: string): void {
    this.byKey.delete(key(place, connectionId));
  }

  has(place: string, memberId: number): boolean {
    return this.entries().some((held) => held.place === place && held.member.id === memberId);
  }

  /** Members of a place with a connection here, once each, in the order they were recorded. */
  members(place: string): PresenceMember[] {
    const members = new Map<number, PresenceMember>();
    for (const held of this.byKey.values()) if (held.place === place) members.set(held.member.id, held.member);
    return [...members.values()];
  }

  entries(): Held[] {
    return [...this.byKey.values()];
  }
}

function key(place: string, connectionId: string): string {
  return `${place}\n${connectionId}`;
}
