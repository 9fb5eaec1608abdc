import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '../database/epoch-ms.js';

export type ChatKind = 'lobby';

/** A place messages live. A lobby is the chat of one app (the app may live in a remote user directory). */
@Entity('chats')
export class ChatEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 16 })
  kind: ChatKind;

  @Column({ name: 'app_id', type: 'integer', nullable: true, unique: true })
  appId: number | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt: number;
}
