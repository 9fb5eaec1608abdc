import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Clients' messages to check on for `seller.message.unanswered` once they have waited (src/webhooks/). */
export class WebhookTimers1763790000006 implements MigrationInterface {
  name = 'WebhookTimers1763790000006';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE "webhook_timers" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "message_id" integer NOT NULL,
      "due_at" bigint NOT NULL)`);
    await db.query(`CREATE INDEX "idx_webhook_timers_due" ON "webhook_timers" ("due_at")`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE "webhook_timers"`);
  }
}
