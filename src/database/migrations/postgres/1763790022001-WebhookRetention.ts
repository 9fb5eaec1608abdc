import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An event's deliveries, by event: the retention sweep deletes an event only once none is left, and deleting it makes
 * the foreign key look for them (ON DELETE CASCADE), which without this index read the whole table (src/webhooks/).
 */
export class WebhookRetention1763790022001 implements MigrationInterface {
  name = 'WebhookRetention1763790022001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX "idx_webhook_deliveries_event" ON "webhook_deliveries" ("event_id")`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX "idx_webhook_deliveries_event"`);
  }
}
