import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The seller-chat client's clientDate of a message, to recognise a resend of it on any instance. */
export class MessageClientDate1763790000001 implements MigrationInterface {
  name = 'MessageClientDate1763790000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "messages" ADD COLUMN "client_date" varchar(32)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "messages" DROP COLUMN "client_date"`);
  }
}
