import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Lobby moderation (issue 22): per-app settings (slow mode, filters), members' last posts, the moderation log. */
export class LobbyModeration1763790022000 implements MigrationInterface {
  name = 'LobbyModeration1763790022000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE "lobby_settings" (
      "app_id" integer PRIMARY KEY NOT NULL,
      "slow_mode_seconds" integer NOT NULL,
      "blocked_words" text NOT NULL,
      "allow_links" boolean NOT NULL)`);
    await db.query(`CREATE TABLE "lobby_last_posts" (
      "chat_id" integer NOT NULL,
      "user_id" integer NOT NULL,
      "posted_at" bigint NOT NULL,
      PRIMARY KEY ("chat_id", "user_id"))`);
    await db.query(`CREATE TABLE "moderation_log" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "app_id" integer NOT NULL,
      "actor" varchar(32),
      "action" varchar(16) NOT NULL,
      "target" varchar(64),
      "details" text NOT NULL,
      "created_at" bigint NOT NULL)`);
    await db.query(`CREATE INDEX "idx_moderation_log_app_id" ON "moderation_log" ("app_id", "id")`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['moderation_log', 'lobby_last_posts', 'lobby_settings'])
      await db.query(`DROP TABLE "${table}"`);
  }
}
