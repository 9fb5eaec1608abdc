import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-app allowed site origins for the lobby (a JSON array; null allows any). */
export class AppAllowedOrigins1763790000000 implements MigrationInterface {
  name = 'AppAllowedOrigins1763790000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "apps" ADD COLUMN "allowed_origins" text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE "apps" DROP COLUMN "allowed_origins"`);
  }
}
