import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { AppEntity } from './app.entity.js';

export type AppStaffRole = 'owner' | 'mod';

/**
 * An app's owners and its own mods, named by uname. They need not exist as users yet: a site may create
 * the app before its owner's account.
 */
@Entity('app_staff')
export class AppStaffEntity {
  @PrimaryColumn({ name: 'app_id', type: 'integer' })
  appId: number;

  @ManyToOne(() => AppEntity, (app) => app.staff, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'app_id', foreignKeyConstraintName: 'FK_app_staff_app' })
  app?: Relation<AppEntity>;

  @PrimaryColumn({ type: 'varchar', length: 8 })
  role: AppStaffRole;

  @PrimaryColumn({ name: 'uname_key', type: 'varchar', length: 32 })
  unameKey: string;

  @Column({ type: 'varchar', length: 32 })
  uname: string;
}
