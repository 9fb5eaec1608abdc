import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { AppModule } from '../../src/app.module.js';
import { appOptions, configureApp, type ConfigureOptions } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config/app-config.js';
import { operationsSettings } from '../../src/config/areas/operations.settings.js';
import { settingsOf } from '../../src/config/settings-area.js';
import { freshDatabase } from './database.js';
import { Api, ADMIN_TOKEN, type TestServer } from './server.js';

export interface TestingAppOptions extends ConfigureOptions {
  env?: Record<string, string>;
  /** Overrides providers, adds modules: whatever a test needs on the builder before it compiles. */
  customize?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Extra modules compiled beside the app (a test's own gateways, say). */
  imports?: NonNullable<Parameters<typeof Test.createTestingModule>[0]['imports']>;
  /** A database URL to share with another app; by default a fresh database of its own. */
  databaseUrl?: string;
}

/**
 * Tests drive many users from one address and post faster than people do: limits they do not test are set out
 * of their way (the tests of the limits set them low). The defaults hold everywhere else.
 */
export const ROOMY_LIMITS: Record<string, string> = {
  LOBBY_RATE_MESSAGES: '100000',
  SELLER_RATE_MESSAGES: '100000',
  MAX_SOCKETS_PER_IP: '100000',
  MAX_SOCKETS_PER_USER: '100000',
  AUTH_FAILURES_PER_IP: '100000',
  NAME_AUTHS_PER_IP: '100000',
};

/**
 * The whole app as a project's users test theirs: `Test.createTestingModule` over `AppModule.forRoot(config)`,
 * with provider overrides, then `configureApp` and a listen on a free loopback port.
 */
export async function startTestingApp(options: TestingAppOptions = {}): Promise<TestServer> {
  const db = options.databaseUrl ? { url: options.databaseUrl, drop: async () => {} } : await freshDatabase();
  // The demo seeds a file database by default; tests that want it say DEMO=true.
  const config = loadConfig({
    DATABASE_URL: db.url,
    ADMIN_TOKEN,
    LOG_LEVEL: 'error',
    SHUTDOWN_DRAIN_MS: '0',
    DEMO: 'false',
    ...ROOMY_LIMITS,
    ...options.env,
  });
  const builder = Test.createTestingModule({ imports: [AppModule.forRoot(config), ...(options.imports ?? [])] });
  return serveTestingModule(options.customize ? options.customize(builder) : builder, options, db.drop);
}

/**
 * Compiles a testing module and serves it as main.ts serves the app (`configureApp`, with the configuration the
 * module holds), listening on a free loopback port: the whole app (startTestingApp), or feature modules beside
 * `ChatgateTestingModule.forRoot()`. `afterClose` runs once the app is closed (dropping its database, say).
 */
export async function serveTestingModule(
  builder: TestingModuleBuilder,
  options: ConfigureOptions = {},
  afterClose: () => Promise<void> = async () => {},
): Promise<TestServer> {
  const moduleRef = await builder.compile();
  const app: INestApplication = moduleRef.createNestApplication(appOptions(settingsOf(moduleRef, operationsSettings)));
  configureApp(app, options);
  // A start that fails (a gateway refused, say) leaves nothing open behind it.
  await app.listen(0, '127.0.0.1').catch(async (error: unknown) => {
    await app.close();
    await afterClose();
    throw error;
  });
  const { port } = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  let closed: Promise<void> | null = null;
  return {
    app,
    url,
    api: new Api(url),
    // Idempotent: a test may stop one instance of a cluster before the cluster itself is closed.
    close: () =>
      (closed ??= (async () => {
        await app.close();
        await afterClose();
      })()),
  };
}
