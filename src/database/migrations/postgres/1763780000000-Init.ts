import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1763780000000 implements MigrationInterface {
  name = 'Init1763780000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE "users" (
      "id" SERIAL PRIMARY KEY,
      "kind" varchar(8) NOT NULL,
      "name" varchar(64) NOT NULL,
      "uname_key" varchar(32) CONSTRAINT "UQ_users_uname_key" UNIQUE,
      "role" varchar(16) NOT NULL,
      "created_at" bigint NOT NULL)`);
    await db.query(`CREATE TABLE "access_tokens" (
      "id" SERIAL PRIMARY KEY,
      "user_id" integer NOT NULL CONSTRAINT "FK_access_tokens_user" REFERENCES "users" ("id") ON DELETE CASCADE,
      "token_hash" varchar(64) NOT NULL CONSTRAINT "UQ_access_tokens_token_hash" UNIQUE,
      "created_at" bigint NOT NULL)`);
    await db.query(`CREATE TABLE "apps" (
      "id" SERIAL PRIMARY KEY,
      "name" varchar(100) NOT NULL,
      "created_at" bigint NOT NULL)`);
    await db.query(`CREATE TABLE "app_staff" (
      "app_id" integer NOT NULL CONSTRAINT "FK_app_staff_app" REFERENCES "apps" ("id") ON DELETE CASCADE,
      "role" varchar(8) NOT NULL,
      "uname_key" varchar(32) NOT NULL,
      "uname" varchar(32) NOT NULL,
      PRIMARY KEY ("app_id", "role", "uname_key"))`);
    await db.query(`CREATE TABLE "chats" (
      "id" SERIAL PRIMARY KEY,
      "kind" varchar(16) NOT NULL,
      "app_id" integer CONSTRAINT "UQ_chats_app_id" UNIQUE,
      "seller_id" integer CONSTRAINT "FK_chats_seller" REFERENCES "users" ("id") ON DELETE CASCADE,
      "client_id" integer CONSTRAINT "FK_chats_client" REFERENCES "users" ("id") ON DELETE CASCADE,
      "created_at" bigint NOT NULL,
      CONSTRAINT "UQ_chats_seller_client" UNIQUE ("seller_id", "client_id"))`);
    await db.query(`CREATE TABLE "messages" (
      "id" SERIAL PRIMARY KEY,
      "chat_id" integer NOT NULL CONSTRAINT "FK_messages_chat" REFERENCES "chats" ("id") ON DELETE CASCADE,
      "author_id" integer NOT NULL,
      "author_name" varchar(64) NOT NULL,
      "author_role" varchar(16),
      "text" text NOT NULL,
      "created_at" bigint NOT NULL)`);
    await db.query(`CREATE INDEX "idx_messages_chat_id" ON "messages" ("chat_id", "id")`);
    await db.query(`CREATE TABLE "mutes" (
      "chat_id" integer NOT NULL CONSTRAINT "FK_mutes_chat" REFERENCES "chats" ("id") ON DELETE CASCADE,
      "uname" varchar(32) NOT NULL,
      "mins" bigint NOT NULL,
      "expires_at" bigint NOT NULL,
      "muted_by" varchar(32) NOT NULL,
      PRIMARY KEY ("chat_id", "uname"))`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['mutes', 'messages', 'chats', 'app_staff', 'apps', 'access_tokens', 'users']) {
      await db.query(`DROP TABLE "${table}"`);
    }
  }
}
