import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * `npm test` runs every file. The PostgreSQL and cluster-sim runs (TEST_POSTGRES_URL, TEST_CLUSTER) run only what
 * those variables change, rather than run the rest again unchanged, which keeps `.ci/run` well inside its time: of
 * the unit specs under src/, only those that open the database under test (ON_THE_DATABASE_UNDER_TEST); of the e2e
 * files, all but those that start no app on the database or bus under test (docs, settings, deploy files, modules
 * compiled alone). The
 * PostgreSQL run also leaves out the widgets' browser tests: what a page shows and sends does not change with the
 * database, and the cluster-sim run still serves them from two instances. The cluster-sim run leaves out the e2e files
 * TEST_CLUSTER does not reach (`startsNoSwitchableApp`).
 */
const VARIANT_RUN = Boolean(process.env.TEST_POSTGRES_URL || process.env.TEST_CLUSTER);
const POSTGRES_RUN = Boolean(process.env.TEST_POSTGRES_URL) && !process.env.TEST_CLUSTER;
const CLUSTER_SIM_RUN = process.env.TEST_CLUSTER === '1' && !process.env.TEST_POSTGRES_URL;
const ON_THE_DATABASE_UNDER_TEST = [
  'src/database/migrations.spec.ts',
  'src/chats/new-client-writer.spec.ts',
  'src/users/user-by-token.spec.ts',
  'src/chats/direct-chat-reads.spec.ts',
  'src/messages/recent-messages.spec.ts',
  'src/apps/app-access.spec.ts',
];
const SAME_IN_EVERY_RUN = [
  'test/docs-examples.e2e-spec.ts',
  'test/docs-links.e2e-spec.ts',
  'test/config-reference.e2e-spec.ts',
  'test/deploy-files.e2e-spec.ts',
  'test/migrations-cli.e2e-spec.ts',
  'test/settings-areas.e2e-spec.ts',
  'test/standalone-modules.e2e-spec.ts',
];

/**
 * TEST_CLUSTER changes only the apps a test starts through test/support/server.ts (`startServer`, `useTestServer`)
 * or as a simulated cluster. An e2e file that starts none of those (its own process, its own settings, a testing
 * module) runs in the cluster-sim run exactly as in `npm test`, so that run leaves it out. Found by reading the files,
 * so a file that starts using them is back in that run with no list to update.
 */
function startsNoSwitchableApp(): string[] {
  const root = fileURLToPath(new URL('.', import.meta.url));
  return readdirSync(join(root, 'test'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.e2e-spec.ts'))
    .map((file) => join(root, 'test', file))
    .filter(
      (file) =>
        !/\b(startServer|useTestServer|startSimulatedCluster|useSimulatedCluster)\b/.test(readFileSync(file, 'utf8')),
    )
    .map((file) => relative(root, file));
}

export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: VARIANT_RUN
      ? ['test/**/*.e2e-spec.ts', ...ON_THE_DATABASE_UNDER_TEST]
      : ['src/**/*.spec.ts', 'test/**/*.e2e-spec.ts'],
    exclude: [
      ...configDefaults.exclude,
      ...(VARIANT_RUN ? SAME_IN_EVERY_RUN : []),
      ...(POSTGRES_RUN ? ['test/browser/**'] : []),
      ...(CLUSTER_SIM_RUN ? startsNoSwitchableApp() : []),
    ],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/support/build.global-setup.ts'],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.spec.ts'],
      reporter: ['text-summary', 'html'],
    },
  },
});
