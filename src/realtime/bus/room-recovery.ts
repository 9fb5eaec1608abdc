import { Logger } from '@nestjs/common';
import type { Clock } from '../../common/clock.js';
import { describeFault } from '../../common/refusal.js';
import type { Delivery, MissedMessages } from './delivery-bus.js';
import type { LocalHandlers } from './local-handlers.js';

/** How long a repair whose database read failed waits before reading again. */
const RETRY_MS = 1000;

/** What this instance knows of one watched room of a repaired channel. */
interface Ledger {
  /** The highest message id delivered in the room here, or sent in an auth reply (`caughtUp`); -1: none yet. */
  lastId: number;
  /**
   * Deliveries of the room may be missing after this id: the link was down. -1: since a point not known yet (the
   * room was watched while the link was down, and no auth reply has said how far its connections are). null: none.
   */
  missingAfter: number | null;
  /** While deliveries may be missing: the ids delivered here meanwhile (this instance's own), for the repair to skip. */
  deliveredSince: Set<number> | null;
  /** While the room's repair read runs: live deliveries, held to go out after what the read finds. */
  held: Delivery[] | null;
  /**
   * Up to which id the last repair leaves nothing undelivered: what was delivered before the link was lost, then
   * every message the repair read. null: never repaired.
   */
  repairedUpTo: number | null;
  /** Ids another instance announced as unsent while this room's repair read ran: taken up after it. */
  unsentMeanwhile: number[] | null;
  /**
   * After a repair: the ids it delivered from its read, until `forgetRepairedAt`. A message committed before the read
   * may be published after it ended (its writer's instance busy), and that live copy must not go out a second time.
   */
  repairedIds: Set<number> | null;
  forgetRepairedAt: number;
}

/**
 * The gap repair of one channel of a bus shared with other instances (DeliveryBus, "Gaps repaired"): it stands
 * between the bus and the channel's local handlers, keeps per watched room the last message id delivered, and when
 * the bus's link comes back reads what each room missed (`read`, the channel's own) and delivers it in order, once,
 * before the deliveries that arrive meanwhile. Its cost per delivery is one map lookup and an id comparison; the rest
 * happens only around an outage.
 */
export class RoomRecovery {
  private readonly logger = new Logger('BusRepair');
  private readonly ledgers = new Map<string, Ledger>();
  private linkUp = false;
  /** Counts losses of the link, so a repair knows whether another began while it read. */
  private losses = 0;

  constructor(
    private readonly channel: string,
    private readonly handlers: LocalHandlers,
    private readonly read: MissedMessages,
    /** Most messages one repair reads (BUS_REPAIR_MAX_MESSAGES). */
    private readonly limit: number,
    private readonly clock: Clock,
    /** How long after a repair a live copy of what it delivered is still dropped (LATE_DELIVERY_WINDOW_MS). */
    private readonly lateWindowMs: number,
  ) {}

  /** `room` gained its first handler here. */
  watched(room: string): void {
    const missing = !this.linkUp;
    this.ledgers.set(room, {
      lastId: -1,
      missingAfter: missing ? -1 : null,
      deliveredSince: missing ? new Set() : null,
      held: null,
      repairedUpTo: null,
      unsentMeanwhile: null,
      repairedIds: null,
      forgetRepairedAt: 0,
    });
  }

  /** `room` lost its last handler here: nobody is left to repair it for. */
  unwatched(room: string): void {
    this.ledgers.delete(room);
  }

  deliver(delivery: Delivery): void {
    const ledger = this.ledgers.get(delivery.room);
    if (ledger) {
      if (ledger.held) return void ledger.held.push(delivery);
      const id = delivery.messageId;
      if (id !== undefined) {
        if (ledger.repairedIds && this.repairedAlready(ledger, id)) return;
        this.delivered(ledger, id);
      }
    }
    this.handlers.deliver(delivery);
  }

  /** The room's new connections hold its messages up to `messageId` (see Subscription.caughtUp). */
  caughtUp(room: string, messageId: number): void {
    const ledger = this.ledgers.get(room);
    if (!ledger) return;
    if (messageId > ledger.lastId) ledger.lastId = messageId;
    if (ledger.missingAfter !== -1) return;
    ledger.missingAfter = messageId;
    if (this.linkUp && !ledger.held) void this.repair(room, ledger);
  }

  /**
   * Another instance could not publish these messages of `room` (its own link was down): those still stored are
   * read and delivered, late, unless this instance's own repair covers them.
   */
  unsentElsewhere(room: string, ids: number[]): void {
    const ledger = this.ledgers.get(room);
    if (!ledger) return;
    if (ledger.held) return void (ledger.unsentMeanwhile ??= []).push(...ids);
    // Missing here too: the repair to come reads every message after the room's point, these included.
    if (ledger.missingAfter !== null) return;
    // A publication the sender saw fail may still have reached Redis before it went away, and this instance then.
    const upTo = ledger.repairedUpTo ?? -1;
    const wanted = new Set(ids.filter((id) => id > upTo));
    if (wanted.size > 0) void this.readUnsent(room, ledger, wanted);
  }

  private async readUnsent(room: string, ledger: Ledger, wanted: Set<number>): Promise<void> {
    let missed: Awaited<ReturnType<MissedMessages>>;
    try {
      missed = await this.read(room, Math.min(...wanted) - 1, this.limit);
    } catch (error) {
      return this.logger.warn(`reading what ${this.channel} room ${room} was not sent failed: ${describeFault(error)}`);
    }
    if (this.ledgers.get(room) !== ledger) return;
    for (const delivery of missed.deliveries) {
      if (delivery.messageId === undefined || !wanted.delete(delivery.messageId)) continue;
      this.deliver(delivery);
    }
  }

  /** The link to the other instances is down: from now on every watched room may miss deliveries. */
  lost(): void {
    this.linkUp = false;
    this.losses++;
    for (const ledger of this.ledgers.values()) {
      if (ledger.missingAfter !== null) continue;
      ledger.missingAfter = ledger.lastId;
      ledger.deliveredSince = new Set();
    }
  }

  /** The link is back and every watched room resubscribed: each room that may have missed something is repaired. */
  restored(): void {
    this.linkUp = true;
    for (const [room, ledger] of this.ledgers) this.repairIfDue(room, ledger);
  }

  private repairIfDue(room: string, ledger: Ledger): void {
    if (this.linkUp && !ledger.held && ledger.missingAfter !== null && ledger.missingAfter >= 0)
      void this.repair(room, ledger);
  }

  private async repair(room: string, ledger: Ledger): Promise<void> {
    const after = ledger.missingAfter ?? -1;
    const skip = ledger.deliveredSince ?? new Set<number>();
    const losses = this.losses;
    ledger.held = [];
    let missed: Awaited<ReturnType<MissedMessages>> | null = null;
    try {
      missed = await this.read(room, after, this.limit);
    } catch (error) {
      this.logger.warn(`reading what ${this.channel} room ${room} missed failed: ${describeFault(error)}; retrying`);
    }
    const held = ledger.held;
    ledger.held = null;
    if (this.ledgers.get(room) !== ledger) return;
    if (!missed) {
      // Still missing after `after`: what was held goes out now (and is remembered as delivered), the read again later.
      for (const delivery of held) this.deliver(delivery);
      setTimeout(() => this.ledgers.get(room) === ledger && this.repairIfDue(room, ledger), RETRY_MS).unref();
      return;
    }
    if (!missed.complete)
      this.logger.warn(
        `${this.channel} room ${room} missed more than ${this.limit} messages; only the newest ${this.limit} are delivered`,
      );
    const upTo = Math.max(after, this.deliverRepair(ledger, missed.deliveries, held, skip));
    ledger.repairedUpTo = upTo;
    ledger.forgetRepairedAt = this.clock.now() + this.lateWindowMs;
    if (this.losses === losses) {
      ledger.missingAfter = null;
      ledger.deliveredSince = null;
      const unsent = ledger.unsentMeanwhile;
      ledger.unsentMeanwhile = null;
      if (unsent) this.unsentElsewhere(room, unsent);
    } else {
      // The link was lost again while this read ran: what the read found is delivered, the rest is still missing.
      ledger.missingAfter = upTo;
      this.repairIfDue(room, ledger);
    }
  }

  /**
   * Delivers what the read found, in id order, except what was already delivered here; a held live copy of a message
   * goes out in its place (it carries the publisher's `exceptConnection`). Then the held deliveries the read did not
   * cover. Returns the highest id the read found.
   */
  private deliverRepair(ledger: Ledger, found: Delivery[], held: Delivery[], skip: Set<number>): number {
    const heldCopies = new Map<number, Delivery>();
    for (const delivery of held) if (delivery.messageId !== undefined) heldCopies.set(delivery.messageId, delivery);
    const covered = new Set<number>();
    let highest = -1;
    for (const delivery of found) {
      const id = delivery.messageId;
      // What stores no message (a seller's new chat) comes with the messages, in its place, and is not tracked.
      if (id === undefined) this.handlers.deliver(delivery);
      if (id === undefined || covered.has(id)) continue;
      covered.add(id);
      if (id > highest) highest = id;
      if (skip.has(id)) continue;
      this.delivered(ledger, id);
      const heldCopy = heldCopies.get(id);
      if (!heldCopy) (ledger.repairedIds ??= new Set()).add(id);
      this.handlers.deliver(heldCopy ?? delivery);
    }
    for (const delivery of held) {
      const id = delivery.messageId;
      if (id !== undefined && covered.has(id)) continue;
      if (id !== undefined) this.delivered(ledger, id);
      this.handlers.deliver(delivery);
    }
    return highest;
  }

  /** True when a repair just delivered `id` from its read: this is its live copy, late. */
  private repairedAlready(ledger: Ledger, id: number): boolean {
    if (this.clock.now() > ledger.forgetRepairedAt) {
      ledger.repairedIds = null;
      return false;
    }
    return ledger.repairedIds?.delete(id) ?? false;
  }

  private delivered(ledger: Ledger, id: number): void {
    if (id > ledger.lastId) ledger.lastId = id;
    const since = ledger.deliveredSince;
    if (!since) return;
    since.add(id);
    // A repair reads at most `limit` messages, the newest: older ids need not be remembered (oldest added go first).
    if (since.size > this.limit) since.delete(since.values().next().value as number);
  }
}
