import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How far the seller has read a direct chat: the id of the last message it marked read (0: none). */
export class ChatSellerRead1763790000004 implements MigrationInterface {
  name = 'ChatSellerRead1763790000004';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "chats" ADD COLUMN "seller_read_id" integer NOT NULL DEFAULT 0`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "chats" DROP COLUMN "seller_read_id"`);
  }
}
