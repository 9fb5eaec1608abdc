import { Column, Entity, OneToMany, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { bigintNumber } from '../database/epoch-ms.js';
import { AppStaffEntity } from './app-staff.entity.js';

/** An integrating site's app: it has one lobby. */
@Entity('apps')
export class AppEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @OneToMany(() => AppStaffEntity, (staff) => staff.app, { cascade: true })
  staff?: Relation<AppStaffEntity[]>;

  /** The site origins whose pages may join this lobby, as a JSON array; null allows any (CORS_ORIGINS still applies). */
  @Column({ name: 'allowed_origins', type: 'text', nullable: true })
  allowedOrigins: string | null;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintNumber })
  createdAt: number;
}
