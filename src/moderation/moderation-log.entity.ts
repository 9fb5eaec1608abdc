import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '../database/epoch-ms.js';

/** One moderation action in an app's lobby: who did what to whom, when. Rows are only ever added. */
@Entity('moderation_log')
@Index('idx_moderation_log_app_id', ['appId', 'id'])
export class ModerationLogEntity {
  @PrimaryGeneratedColumn()
  id: number;

  /** No foreign key: the app may live in a remote user directory. */
  @Column({ name: 'app_id', type: 'integer' })
  appId: number;

  /** The staff member's uname; null for the provisioning API. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  actor: string | null;

  @Column({ type: 'varchar', length: 16 })
  action: string;

  /** The uname acted on (a mute, a purge, a deleted message's author); null for slow mode. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  target: string | null;

  /** What else the action needs to be understood, as JSON (a mute's minutes, a deleted message's id). */
  @Column({ type: 'text' })
  details: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt: number;
}
