/**
 * The newest presence change an instance's bus handed over per subject (a member in a lobby, a seller chat's other
 * party), so that an older one arriving after it is dropped rather than shown last (DeliveryBus, "Presence in
 * order"). Two changes of one member made on two instances within the bus's latency (a tab opening on one as the
 * member's last other tab closes on another) reach each instance in either order; their versions, from the presence
 * store, say which is newer, and only grow (presence-scripts.ts). A subject is remembered `windowMs` after its
 * change, longer than any delivery is late (LATE_DELIVERY_WINDOW_MS), so only the last few seconds' changes are held.
 */
export class PresenceOrder {
  /** By subject, in the order they were last changed, so the expired ones come first. */
  private readonly newest = new Map<string, { version: number; until: number }>();

  constructor(private readonly windowMs: number) {}

  /** True when `version` is newer than what was delivered for `subject` within the window; it is then the newest. */
  admit(subject: string, version: number, now: number): boolean {
    for (const [held, { until }] of this.newest) {
      if (until > now) break;
      this.newest.delete(held);
    }
    const held = this.newest.get(subject);
    if (held && held.version >= version) return false;
    this.newest.delete(subject);
    this.newest.set(subject, { version, until: now + this.windowMs });
    return true;
  }
}
