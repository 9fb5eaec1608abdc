import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1763780000000 implements MigrationInterface {
  name = 'Init1763780000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE "users" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "kind" varchar(8) NOT NULL,
      "name" varchar(64) NOT NULL,
      "uname_key" varchar(32),
      "role" varchar(16) NOT NULL,
      "created_at" bigint NOT NULL,
      CONSTRAINT "UQ_users_uname_key" UNIQUE ("uname_key"))`);
    await db.query(`CREATE TABLE "access_tokens" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "user_id" integer NOT NULL,
      "token_hash" varchar(64) NOT NULL,
      "created_at" bigint NOT NULL,
      CONSTRAINT "UQ_access_tokens_token_hash" UNIQUE ("token_hash"),
      CONSTRAINT "FK_access_tokens_user" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await db.query(`CREATE TABLE "apps" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "name" varchar(100) NOT NULL,
      "created_at" bigint NOT NULL)`);
    await db.query(`CREATE TABLE "app_staff" (
      "app_id" integer NOT NULL,
      "role" varchar(8) NOT NULL,
      "uname_key" varchar(32) NOT NULL,
      "uname" varchar(32) NOT NULL,
      CONSTRAINT "FK_app_staff_app" FOREIGN KEY ("app_id") REFERENCES "apps" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
      PRIMARY KEY ("app_id", "role", "uname_key"))`);
    await db.query(`CREATE TABLE "chats" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "kind" varchar(16) NOT NULL,
      "app_id" integer,
      "seller_id" integer,
      "client_id" integer,
      "created_at" bigint NOT NULL,
      CONSTRAINT "UQ_chats_app_id" UNIQUE ("app_id"),
      CONSTRAINT "UQ_chats_seller_client" UNIQUE ("seller_id", "client_id"),
      CONSTRAINT "FK_chats_seller" FOREIGN KEY ("seller_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
      CONSTRAINT "FK_chats_client" FOREIGN KEY ("client_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await db.query(`CREATE TABLE "messages" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "chat_id" integer NOT NULL,
      "author_id" integer NOT NULL,
      "author_name" varchar(64) NOT NULL,
      "author_role" varchar(16),
      "text" text NOT NULL,
      "created_at" bigint NOT NULL,
      CONSTRAINT "FK_messages_chat" FOREIGN KEY ("chat_id") REFERENCES "chats" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
    await db.query(`CREATE INDEX "idx_messages_chat_id" ON "messages" ("chat_id", "id")`);
    await db.query(`CREATE TABLE "mutes" (
      "chat_id" integer NOT NULL,
      "uname" varchar(32) NOT NULL,
      "mins" bigint NOT NULL,
      "expires_at" bigint NOT NULL,
      "muted_by" varchar(32) NOT NULL,
      CONSTRAINT "FK_mutes_chat" FOREIGN KEY ("chat_id") REFERENCES "chats" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
      PRIMARY KEY ("chat_id", "uname"))`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['mutes', 'messages', 'chats', 'app_staff', 'apps', 'access_tokens', 'users']) {
      await db.query(`DROP TABLE "${table}"`);
    }
  }
}
