import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, MoreThan, MoreThanOrEqual, type Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { Metrics } from '../operations/metrics.js';
import { ModerationLogEntity } from './moderation-log.entity.js';

export const MODERATION_ACTIONS = ['mute', 'unmute', 'delete', 'purge', 'slow_mode'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

export interface ModerationEntry {
  appId: number;
  /** The staff member's uname; null for the provisioning API. */
  actor: string | null;
  action: ModerationAction;
  target: string | null;
  details: Record<string, unknown>;
}

/** An entry as the API lists it. */
export interface ModerationRecord extends Omit<ModerationEntry, 'appId'> {
  id: number;
  /** When, as an ISO 8601 date. */
  at: string;
}

/** Who did what to whom in which lobby, and when; counted in chatgate_moderation_actions_total by action. */
@Injectable()
export class ModerationLog {
  constructor(
    @InjectRepository(ModerationLogEntity) private readonly log: Repository<ModerationLogEntity>,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  async record(entry: ModerationEntry): Promise<void> {
    await this.log.insert({ ...entry, details: JSON.stringify(entry.details), createdAt: this.clock.now() });
    this.metrics.moderationActions.inc({ action: entry.action });
  }

  /** An app's entries with an id above `afterId`, oldest first, at most `limit`. */
  async list(appId: number, limit: number, afterId: number): Promise<ModerationRecord[]> {
    const rows = await this.log.find({ where: { appId, id: MoreThan(afterId) }, order: { id: 'ASC' }, take: limit });
    return rows.map(({ id, actor, action, target, details, createdAt }) => ({
      id,
      at: new Date(createdAt).toISOString(),
      actor,
      action: action as ModerationAction,
      target,
      details: JSON.parse(details) as Record<string, unknown>,
    }));
  }

  /**
   * The ids of the app's lobby messages deleted (`delete`, `purge`) at `notBefore` (epoch ms) or later, newest
   * deletion first, from at most `limit` entries: what a reader reconnecting within that window may still hold.
   */
  async deletedSince(appId: number, notBefore: number, limit: number): Promise<number[]> {
    const rows = await this.log.find({
      where: { appId, action: In(['delete', 'purge']), createdAt: MoreThanOrEqual(notBefore) },
      order: { id: 'DESC' },
      take: limit,
    });
    return rows.flatMap(({ details }) => {
      const { messageId, messageIds } = JSON.parse(details) as { messageId?: number; messageIds?: number[] };
      return messageIds ?? (messageId === undefined ? [] : [messageId]);
    });
  }
}
