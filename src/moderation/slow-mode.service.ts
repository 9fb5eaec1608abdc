import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';

/**
 * Slow mode's one question: may this member post now, and if not, how long until they may. The member's last post
 * is stored in the database, so the answer is the same on every instance and after a restart; the check and the
 * record are one conditional upsert, so two messages sent at once (on two instances) cannot both pass.
 */
@Injectable()
export class SlowModeService {
  private readonly claim: string;
  private readonly lastPost: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    const p = dataSource.options.type === 'postgres' ? (n: number) => `$${n}` : () => '?';
    this.claim = `INSERT INTO "lobby_last_posts" ("chat_id", "user_id", "posted_at") VALUES (${p(1)}, ${p(2)}, ${p(3)})
      ON CONFLICT ("chat_id", "user_id") DO UPDATE SET "posted_at" = excluded."posted_at"
      WHERE "lobby_last_posts"."posted_at" <= ${p(4)} RETURNING "posted_at"`;
    this.lastPost = `SELECT "posted_at" FROM "lobby_last_posts" WHERE "chat_id" = ${p(1)} AND "user_id" = ${p(2)}`;
  }

  /**
   * Records a post by `userId` now unless their last one was less than `seconds` ago; returns 0 when recorded,
   * else the milliseconds left to wait (at least 1).
   */
  async take(chatId: number, userId: number, seconds: number): Promise<number> {
    const now = this.clock.now();
    const windowMs = seconds * 1000;
    const claimed = (await this.dataSource.query(this.claim, [chatId, userId, now, now - windowMs])) as unknown[];
    if (claimed.length > 0) return 0;
    const [row] = (await this.dataSource.query(this.lastPost, [chatId, userId])) as { posted_at: string | number }[];
    return Math.max(1, Number(row?.posted_at ?? now) + windowMs - now);
  }
}
