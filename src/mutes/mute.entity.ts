import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { ChatEntity } from '../chats/chat.entity.js';
import { bigintNumber } from '../database/epoch-ms.js';

/** One mute per uname per chat; a new mute replaces the old one. Expired rows are ignored, not deleted. */
@Entity('mutes')
export class MuteEntity {
  @PrimaryColumn({ name: 'chat_id', type: 'integer' })
  chatId: number;

  @ManyToOne(() => ChatEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chat_id', foreignKeyConstraintName: 'FK_mutes_chat' })
  chat?: Relation<ChatEntity>;

  /** Lowercase, as the protocol's mute commands name users. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  uname: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  mins: number;

  @Column({ name: 'expires_at', type: 'bigint', transformer: bigintNumber })
  expiresAt: number;

  @Column({ name: 'muted_by', type: 'varchar', length: 32 })
  mutedBy: string;
}
