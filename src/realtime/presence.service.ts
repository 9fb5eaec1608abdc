/** Who is somewhere: a member is present in a place while at least one of its connections is. */
export interface PresenceMember {
  id: number;
}

export abstract class PresenceService {
  /** Records a connection; resolves true when it is the member's first one in that place. */
  abstract join<M extends PresenceMember>(place: string, member: M, connectionId: string): Promise<boolean>;
  /** Forgets a connection; resolves to the member when it was its last one there, otherwise null. */
  abstract leave<M extends PresenceMember>(place: string, memberId: number, connectionId: string): Promise<M | null>;
  abstract isPresent(place: string, memberId: number): Promise<boolean>;
  /** Present members, in the order they arrived. */
  abstract members<M extends PresenceMember>(place: string): Promise<M[]>;
}

interface LocalEntry {
  member: PresenceMember;
  connections: Set<string>;
}

/** Presence held in this process: exact for a single instance. */
export class LocalPresence extends PresenceService {
  private readonly places = new Map<string, Map<number, LocalEntry>>();

  async join<M extends PresenceMember>(place: string, member: M, connectionId: string): Promise<boolean> {
    const members = this.places.get(place) ?? new Map<number, LocalEntry>();
    this.places.set(place, members);
    const entry = members.get(member.id);
    if (entry) {
      entry.connections.add(connectionId);
      return false;
    }
    members.set(member.id, { member, connections: new Set([connectionId]) });
    return true;
  }

  async leave<M extends PresenceMember>(place: string, memberId: number, connectionId: string): Promise<M | null> {
    const members = this.places.get(place);
    const entry = members?.get(memberId);
    if (!members || !entry || !entry.connections.delete(connectionId) || entry.connections.size > 0) return null;
    members.delete(memberId);
    if (members.size === 0) this.places.delete(place);
    return entry.member as M;
  }

  async isPresent(place: string, memberId: number): Promise<boolean> {
    return this.places.get(place)?.has(memberId) ?? false;
  }

  async members<M extends PresenceMember>(place: string): Promise<M[]> {
    return [...(this.places.get(place)?.values() ?? [])].map((entry) => entry.member as M);
  }
}
