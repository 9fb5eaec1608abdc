import { type DynamicModule, Module } from '@nestjs/common';
import { loadConfig } from '../config/app-config.js';
import { CoreModule } from '../core.module.js';

export interface ChatgateTestingOptions {
  /**
   * Settings by their environment names (docs/configuration.md), over the testing defaults: SQLite in memory, no
   * demo, no shutdown drain. A DATABASE_URL (a PostgreSQL database, say) or a REDIS_URL replaces the in-memory one.
   */
  env?: Record<string, string>;
}

const TESTING_ENV: Record<string, string> = { DATABASE_URL: 'sqlite::memory:', DEMO: 'false', SHUTDOWN_DRAIN_MS: '0' };

/**
 * The core a feature module needs, for compiling that module alone in Nest's testing harness:
 * `Test.createTestingModule({ imports: [ChatgateTestingModule.forRoot(), LobbyModule] })`, then
 * `overrideProvider(Clock)` (or `DeliveryBus`, `PresenceStore`, `UserDirectory`…) as the test needs. It is
 * CoreModule on a testing configuration: the settings, the Clock, a migrated SQLite database in memory, and the
 * in-process delivery bus, presence store and limit counters.
 */
@Module({})
export class ChatgateTestingModule {
  static forRoot(options: ChatgateTestingOptions = {}): DynamicModule {
    const config = loadConfig({ ...TESTING_ENV, ...options.env });
    return { module: ChatgateTestingModule, imports: [CoreModule.forRoot(config)] };
  }
}
