import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, MoreThan, type Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { InvalidInputError } from '../common/refusal.js';
import { cacheSettings } from '../config/areas/cache.settings.js';
import { type PreparedRead, preparedRead } from '../database/prepared-reads.js';
import { AnnouncedCache } from '../realtime/bus/announced-cache.js';
import { DeliveryBus } from '../realtime/bus/delivery-bus.js';
import type { WebhookEvent } from '../webhooks/webhook-events.js';
import { WebhookSubscriptions } from '../webhooks/webhook-subscriptions.js';
import { MuteEntity } from './mute.entity.js';

export interface MuteView {
  uname: string;
  mins: number;
  expires_at: string;
}

/** A chat's mutes that had not run out when read, by uname; each is checked against the clock when used. */
type MuteList = Map<string, { mins: number; expiresAt: number }>;

/**
 * Mutes are stored so they hold across restarts and instances. A mute is active while now < expires_at;
 * expired rows are simply ignored, and replaced or removed by the next mute or unmute of that name.
 *
 * Every lobby message asks whether its author is muted, so each chat's mute list is read once and kept on every
 * instance (AnnouncedCache: a list changes only through `mute` and `unmute`, which announce the chat). Expiry needs
 * no announcement: each entry's end is compared with the clock whenever it is used.
 */
@Injectable()
export class MutesService implements OnModuleInit, OnModuleDestroy {
  private readonly lists: AnnouncedCache<MuteList>;
  /**
   * A chat's mutes by a statement rather than TypeORM's `find`: every lobby entered reads its list, again once per
   * CACHE_TTL_MS on every instance.
   */
  private readonly readActive: PreparedRead<
    [number, number],
    { uname: string; mins: number | string; expiresAt: number | string }
  >;

  constructor(
    @InjectRepository(MuteEntity) private readonly mutes: Repository<MuteEntity>,
    private readonly clock: Clock,
    bus: DeliveryBus,
    private readonly webhooks: WebhookSubscriptions,
    @Inject(cacheSettings.KEY) cache: ConfigType<typeof cacheSettings>,
    @InjectDataSource() dataSource: DataSource,
  ) {
    this.lists = new AnnouncedCache(bus, 'mutes', clock, cache);
    this.readActive = preparedRead(
      dataSource,
      `SELECT "uname", "mins", "expires_at" AS "expiresAt" FROM "mutes"
        WHERE "chat_id" = ? AND "expires_at" > ? ORDER BY "uname"`,
    );
  }

  onModuleInit(): Promise<void> {
    return this.lists.open();
  }

  onModuleDestroy(): void {
    this.lists.close();
  }

  /**
   * Mutes `uname` (lowercase) in a chat, replacing any earlier mute. Throws when the end date is unrepresentable.
   * `event` builds the mute's webhook event (null: none wanted), recorded in the same transaction.
   */
  async mute(
    chatId: number,
    uname: string,
    mins: number,
    mutedBy: string,
    event: ((mute: MuteView) => WebhookEvent) | null = null,
  ): Promise<MuteView> {
    const now = this.clock.now();
    const expiresAt = new Date(now + mins * 60_000);
    if (!Number.isSafeInteger(mins) || Number.isNaN(expiresAt.getTime())) {
      throw new InvalidInputError('mute duration is out of range');
    }
    const view = { uname, mins, expires_at: expiresAt.toISOString() };
    await this.mutes.manager.transaction(async (tx) => {
      await tx.upsert(
        MuteEntity,
        { chatId, uname, mins, expiresAt: expiresAt.getTime(), mutedBy: mutedBy.toLowerCase() },
        { conflictPaths: ['chatId', 'uname'] },
      );
      await this.webhooks.record(tx, event && event(view), now);
    });
    this.lists.changed(chatId);
    return view;
  }

  /**
   * Lifts an active mute; false when `uname` was not muted (or the mute had already run out). `event` (the unmute's
   * webhook event, if wanted) is recorded in the same transaction when a mute was lifted.
   */
  async unmute(chatId: number, uname: string, event: WebhookEvent | null = null): Promise<boolean> {
    const now = this.clock.now();
    const active = await this.mutes.manager.transaction(async (tx) => {
      const wasActive = await tx.exists(MuteEntity, { where: { chatId, uname, expiresAt: MoreThan(now) } });
      await tx.delete(MuteEntity, { chatId, uname });
      if (wasActive) await this.webhooks.record(tx, event, now);
      return wasActive;
    });
    this.lists.changed(chatId);
    return active;
  }

  async isMuted(chatId: number, uname: string): Promise<boolean> {
    const mute = (await this.list(chatId)).get(uname.toLowerCase());
    return mute !== undefined && mute.expiresAt > this.clock.now();
  }

  /** Active mutes, by uname. */
  async active(chatId: number): Promise<MuteView[]> {
    const now = this.clock.now();
    const views: MuteView[] = [];
    for (const [uname, { mins, expiresAt }] of await this.list(chatId)) {
      if (expiresAt > now) views.push({ uname, mins, expires_at: new Date(expiresAt).toISOString() });
    }
    return views;
  }

  private list(chatId: number): Promise<MuteList> {
    return this.lists.load(chatId, async () => {
      const rows = await this.readActive(chatId, this.clock.now());
      // BIGINT arrives as a string from PostgreSQL.
      return new Map(rows.map((row) => [row.uname, { mins: Number(row.mins), expiresAt: Number(row.expiresAt) }]));
    });
  }
}
