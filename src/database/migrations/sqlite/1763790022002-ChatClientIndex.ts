import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finds a client's chats without reading every chat: a client signing in or going offline reads its chats by
 * `client_id`, and a user's deletion cascades through it (the seller side has UQ_chats_seller_client).
 */
export class ChatClientIndex1763790022002 implements MigrationInterface {
  name = 'ChatClientIndex1763790022002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX "idx_chats_client_id" ON "chats" ("client_id")`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX "idx_chats_client_id"`);
  }
}
