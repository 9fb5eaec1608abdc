import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, type Repository } from 'typeorm';
import { InvalidInputError } from '../common/refusal.js';
import { MuteEntity } from './mute.entity.js';
import { Clock } from '../common/clock.js';

export interface MuteView {
  uname: string;
  mins: number;
  expires_at: string;
}

/**
 * Mutes are stored so they hold across restarts and instances. A mute is active while now < expires_at;
 * expired rows are simply ignored, and replaced or removed by the next mute or unmute of that name.
 */
@Injectable()
export class MutesService {
  constructor(
    @InjectRepository(MuteEntity) private readonly mutes: Repository<MuteEntity>,
    private readonly clock: Clock,
  ) {}

  /** Mutes `uname` (lowercase) in a chat, replacing any earlier mute. Throws when the end date is unrepresentable. */
  async mute(chatId: number, uname: string, mins: number, mutedBy: string): Promise<MuteView> {
    const expiresAt = new Date(this.clock.now() + mins * 60_000);
    if (!Number.isSafeInteger(mins) || Number.isNaN(expiresAt.getTime())) {
      throw new InvalidInputError('mute duration is out of range');
    }
    await this.mutes.upsert(
      { chatId, uname, mins, expiresAt: expiresAt.getTime(), mutedBy: mutedBy.toLowerCase() },
      { conflictPaths: ['chatId', 'uname'] },
    );
    return { uname, mins, expires_at: expiresAt.toISOString() };
  }

  /** Lifts an active mute; false when `uname` was not muted (or the mute had already run out). */
  async unmute(chatId: number, uname: string): Promise<boolean> {
    const active = await this.mutes.exists({ where: { chatId, uname, expiresAt: MoreThan(this.clock.now()) } });
    await this.mutes.delete({ chatId, uname });
    return active;
  }

  async isMuted(chatId: number, uname: string): Promise<boolean> {
    return this.mutes.exists({ where: { chatId, uname: uname.toLowerCase(), expiresAt: MoreThan(this.clock.now()) } });
  }

  async active(chatId: number): Promise<MuteView[]> {
    const rows = await this.mutes.find({
      where: { chatId, expiresAt: MoreThan(this.clock.now()) },
      order: { uname: 'ASC' },
    });
    return rows.map((row) => ({ uname: row.uname, mins: row.mins, expires_at: new Date(row.expiresAt).toISOString() }));
  }
}
