import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { bigintNumber } from '../database/epoch-ms.js';
import { UserEntity } from '../users/user.entity.js';

/** A lobby is the chat of one app; a direct chat is the one chat between a seller and a client. */
export type ChatKind = 'lobby' | 'direct';

/** A place messages live. */
@Entity('chats')
@Unique('UQ_chats_seller_client', ['sellerId', 'clientId'])
@Index('idx_chats_client_id', ['clientId'])
export class ChatEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 16 })
  kind: ChatKind;

  /** The lobby's app (which may live in a remote user directory, so this is no foreign key). */
  @Column({ name: 'app_id', type: 'integer', nullable: true, unique: true })
  appId: number | null;

  @Column({ name: 'seller_id', type: 'integer', nullable: true })
  sellerId: number | null;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'seller_id', foreignKeyConstraintName: 'FK_chats_seller' })
  seller?: Relation<UserEntity>;

  @Column({ name: 'client_id', type: 'integer', nullable: true })
  clientId: number | null;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'FK_chats_client' })
  client?: Relation<UserEntity>;

  /** A direct chat: the id of the last message its seller marked read (`read`), 0 for none. */
  @Column({ name: 'seller_read_id', type: 'integer', default: 0 })
  sellerReadId: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt: number;
}
