import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber } from '../database/epoch-ms.js';
import type { UserRole } from './roles.js';

@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn()
  id: number;

  /** As the site spelled it; shown to others. */
  @Column({ type: 'varchar', length: 32 })
  uname: string;

  /** Lowercased uname: unames are unique regardless of letter case. */
  @Column({ name: 'uname_key', type: 'varchar', length: 32, unique: true })
  unameKey: string;

  @Column({ type: 'varchar', length: 16 })
  role: UserRole;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt: number;
}
