import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '../database/epoch-ms.js';
import type { UserRole } from './roles.js';

/**
 * Everyone who can authenticate: lobby users (named by a unique uname), sellers (provisioned by the site)
 * and clients (created when they first give their name to a seller's widget).
 */
export type UserKind = 'lobby' | 'seller' | 'client';

@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 8 })
  kind: UserKind;

  /** As shown to others: a lobby user's uname as the site spelled it, a seller's or client's name. */
  @Column({ type: 'varchar', length: 64 })
  name: string;

  /** Lowercased uname of a lobby user: unames are unique regardless of letter case. Null for other kinds. */
  @Column({ name: 'uname_key', type: 'varchar', length: 32, nullable: true, unique: true })
  unameKey: string | null;

  /** Global lobby role; sellers and clients are plain members. */
  @Column({ type: 'varchar', length: 16 })
  role: UserRole;

  /** A seller's choice: clients may write while it is offline (their messages wait for its next sign-in). */
  @Column({ name: 'offline_messages', type: 'boolean', default: false })
  offlineMessages: boolean;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt: number;
}
