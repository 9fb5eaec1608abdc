/** Who is somewhere: a member is present in a place while at least one of its connections is, on any instance. */
export interface PresenceMember {
  id: number;
}

/** A member that lost its last connection in a place because the instance holding it stopped renewing. */
export interface Departure<M extends PresenceMember = PresenceMember> {
  place: string;
  member: M;
}

/**
 * Where presence is kept: in this process, or shared by every instance (Redis). Every connection entry
 * belongs to the instance that recorded it, and an instance's entries live as long as its lease.
 * Guarantees every implementation gives:
 * - `add` and `remove` are atomic: among all instances, exactly one `add` of a member to a place reports the
 *   first connection and exactly one `remove` (or expiry) reports the last.
 * - An instance whose lease ran out is as good as gone: `expire` removes all of its entries, and each member
 *   this leaves without a connection is returned to exactly one caller of `expire` in the whole cluster.
 * - `members` lists each present member once, in the order it arrived.
 */
export abstract class PresenceStore {
  /** Records a connection; true when it is the member's first one in the place. */
  abstract add(place: string, member: PresenceMember, instanceId: string, connectionId: string): Promise<boolean>;
  /** Forgets a connection; the member when it was its last one in the place, otherwise null. */
  abstract remove<M extends PresenceMember>(
    place: string,
    memberId: number,
    instanceId: string,
    connectionId: string,
  ): Promise<M | null>;
  abstract has(place: string, memberId: number): Promise<boolean>;
  abstract members<M extends PresenceMember>(place: string): Promise<M[]>;
  /** Keeps the instance's entries alive until `expiresAt` (epoch ms). */
  abstract renew(instanceId: string, expiresAt: number): Promise<void>;
  /** Removes the entries of every instance whose lease ended before `now`. */
  abstract expire(now: number): Promise<Departure[]>;
  /** Removes every entry of one instance at once (it is shutting down), and its lease. */
  abstract removeInstance(instanceId: string): Promise<Departure[]>;
}
