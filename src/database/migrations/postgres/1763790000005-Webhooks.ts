import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Webhook endpoints, the outbox of events, and each event's delivery to each endpoint (src/webhooks/). */
export class Webhooks1763790000005 implements MigrationInterface {
  name = 'Webhooks1763790000005';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE "webhook_endpoints" (
      "id" SERIAL PRIMARY KEY,
      "url" varchar(2048) NOT NULL,
      "secret" varchar(64) NOT NULL,
      "events" text,
      "app_id" integer,
      "seller_id" integer,
      "created_at" bigint NOT NULL)`);
    await db.query(`CREATE TABLE "webhook_events" (
      "id" SERIAL PRIMARY KEY,
      "uid" varchar(40) NOT NULL,
      "type" varchar(40) NOT NULL,
      "app_id" integer,
      "seller_id" integer,
      "payload" text NOT NULL,
      "created_at" bigint NOT NULL,
      "fanned_out" boolean NOT NULL DEFAULT false)`);
    await db.query(`CREATE INDEX "idx_webhook_events_fan_out" ON "webhook_events" ("fanned_out", "id")`);
    await db.query(`CREATE TABLE "webhook_deliveries" (
      "id" SERIAL PRIMARY KEY,
      "endpoint_id" integer NOT NULL CONSTRAINT "FK_webhook_deliveries_endpoint" REFERENCES "webhook_endpoints" ("id") ON DELETE CASCADE,
      "event_id" integer NOT NULL CONSTRAINT "FK_webhook_deliveries_event" REFERENCES "webhook_events" ("id") ON DELETE CASCADE,
      "state" varchar(16) NOT NULL,
      "attempts" integer NOT NULL DEFAULT 0,
      "next_attempt_at" bigint NOT NULL,
      "last_status" integer,
      "last_error" varchar(200))`);
    await db.query(`CREATE INDEX "idx_webhook_deliveries_due" ON "webhook_deliveries" ("state", "next_attempt_at")`);
    await db.query(`CREATE INDEX "idx_webhook_deliveries_endpoint" ON "webhook_deliveries" ("endpoint_id", "id")`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['webhook_deliveries', 'webhook_events', 'webhook_endpoints']) {
      await db.query(`DROP TABLE "${table}"`);
    }
  }
}
