/** Who is somewhere: a member is present in a place while at least one of its connections is, on any instance. */
export interface PresenceMember {
  id: number;
}

/** A member that lost its last connection in a place because the instance holding it stopped renewing. */
export interface Departure<M extends PresenceMember = PresenceMember> {
  place: string;
  member: M;
  version: number;
}

/** A member's last connection leaving, and the place's version after it. */
export interface Leave<M extends PresenceMember = PresenceMember> {
  member: M;
  version: number;
}

/** Who is in a place, in arrival order, as of `version`. */
export interface PresenceSnapshot<M extends PresenceMember = PresenceMember> {
  /** Shared by every caller that reads the same version: never changed by one. */
  readonly members: readonly M[];
  version: number;
}

/**
 * Where presence is kept: in this process, or shared by every instance (Redis). Every connection entry
 * belongs to the instance that recorded it, and an instance's entries live as long as its lease.
 * Guarantees every implementation gives:
 * - `add` and `remove` are atomic: among all instances, exactly one `add` of a member to a place reports the
 *   first connection and exactly one `remove` (or expiry) reports the last.
 * - An instance whose lease ran out is as good as gone: `expire` removes all of its entries, and each member
 *   this leaves without a connection is returned to exactly one caller of `expire` in the whole cluster.
 * - Every first join and last leave of a place increments the place's version, returned with the change, and
 *   `snapshot` reads members and version together: an announcement whose version is at most a snapshot's is
 *   already reflected in that snapshot (a late remote delivery), and is dropped by whoever was sent it.
 * - `snapshot` lists each present member once, in the order it arrived.
 */
export abstract class PresenceStore {
  /** Records a connection; the place's new version when it is the member's first one there, otherwise null. */
  abstract add(place: string, member: PresenceMember, instanceId: string, connectionId: string): Promise<number | null>;
  /** Forgets a connection; when it was the member's last one in the place, the member and the new version. */
  abstract remove<M extends PresenceMember>(
    place: string,
    memberId: number,
    instanceId: string,
    connectionId: string,
  ): Promise<Leave<M> | null>;
  abstract has(place: string, memberId: number): Promise<boolean>;
  /**
   * `has` answered at once, by a store that lives in this process and cannot fail; undefined from one that must be
   * asked (`has`). The seller chat asks whether the other party is online for every message.
   */
  hasNow(_place: string, _memberId: number): boolean | undefined {
    return undefined;
  }
  abstract snapshot<M extends PresenceMember>(place: string): Promise<PresenceSnapshot<M>>;
  /**
   * Keeps the instance's entries alive until `expiresAt` (epoch ms). Resolves false when the store did not know
   * the instance's lease: the store lost its data (Redis restarted) or expired this instance while it could
   * not renew, and the instance must record its connections again.
   */
  abstract renew(instanceId: string, expiresAt: number): Promise<boolean>;
  /** Removes the entries of every instance whose lease ended before `now`. */
  abstract expire(now: number): Promise<Departure[]>;
  /** Removes every entry of one instance at once (it is shutting down), and its lease. */
  abstract removeInstance(instanceId: string): Promise<Departure[]>;
}
