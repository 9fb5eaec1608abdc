import { randomBytes } from 'node:crypto';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';

/** The Redis tests use: TEST_REDIS_URL, or the machine's own. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses, so tests share one Redis without seeing each other. */
export function freshRedisPrefix(): string {
  return `chatgate-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

/** Configuration for realtime pieces that talk to Redis (the database is never opened by them). */
export function redisConfig(prefix = freshRedisPrefix(), redisUrl = TEST_REDIS_URL): AppConfig {
  return loadConfig({
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    DATABASE_URL: 'postgres://unused@127.0.0.1/unused',
  });
}
