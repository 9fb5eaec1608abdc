import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Whether a seller takes clients' messages while offline (off: the AH Chat protocol's USER_IS_NOT_ONLINE). */
export class SellerOfflineMessages1763790000003 implements MigrationInterface {
  name = 'SellerOfflineMessages1763790000003';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "users" ADD COLUMN "offline_messages" boolean NOT NULL DEFAULT false`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "users" DROP COLUMN "offline_messages"`);
  }
}
