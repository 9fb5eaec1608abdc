import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { ChatEntity } from '../chats/chat.entity.js';
import { bigintNumber } from '../database/epoch-ms.js';

/**
 * Author name and role are copied into the message: history shows them as they were when it was said,
 * and authors from a remote user directory have no local row to join.
 */
@Entity('messages')
@Index('idx_messages_chat_id', ['chatId', 'id'])
@Index('idx_messages_resend', ['chatId', 'clientDate'], { where: '"client_date" IS NOT NULL' })
export class MessageEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'chat_id', type: 'integer' })
  chatId: number;

  @ManyToOne(() => ChatEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chat_id', foreignKeyConstraintName: 'FK_messages_chat' })
  chat?: Relation<ChatEntity>;

  @Column({ name: 'author_id', type: 'integer' })
  authorId: number;

  @Column({ name: 'author_name', type: 'varchar', length: 64 })
  authorName: string;

  @Column({ name: 'author_role', type: 'varchar', length: 16, nullable: true })
  authorRole: string | null;

  @Column({ type: 'text' })
  text: string;

  /** A seller-chat message's clientDate (JSON), so a resend of it is recognised; null in lobbies. */
  @Column({ name: 'client_date', type: 'varchar', length: 32, nullable: true })
  clientDate: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt: number;
}
