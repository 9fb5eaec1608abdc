import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** `npm run test:cluster`: several real instances on PostgreSQL and Redis, one file at a time. */
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/cluster/**/*.cluster-spec.ts'], fileParallelism: false, testTimeout: 60_000 },
});
