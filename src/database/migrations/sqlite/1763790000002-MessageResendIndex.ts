import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finds a seller-chat message's original (same chat, clientDate, author and text) without reading the chat's whole
 * history, once per message. Partial: lobby messages have no clientDate and cost this index nothing.
 */
export class MessageResendIndex1763790000002 implements MigrationInterface {
  name = 'MessageResendIndex1763790000002';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX "idx_messages_resend" ON "messages" ("chat_id", "client_date") WHERE "client_date" IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX "idx_messages_resend"`);
  }
}
