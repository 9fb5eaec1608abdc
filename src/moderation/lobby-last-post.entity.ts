import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../database/epoch-ms.js';

/**
 * When a member last posted in a lobby under slow mode: stored, so slow mode holds on every instance and across
 * restarts. One row per member who ever posted while slow mode was on; a new post replaces it.
 */
@Entity('lobby_last_posts')
export class LobbyLastPostEntity {
  @PrimaryColumn({ name: 'chat_id', type: 'integer' })
  chatId: number;

  @PrimaryColumn({ name: 'user_id', type: 'integer' })
  userId: number;

  @Column({ name: 'posted_at', type: 'bigint', transformer: bigintNumber })
  postedAt: number;
}
