import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource, DataSourceOptions } from 'typeorm';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { buildDataSourceOptions } from './database/data-source-options.js';
import { startDatabase } from './database/start-database.js';
import { MetricsModule } from './operations/metrics.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';

/**
 * What every feature module leans on and none imports: the configuration and the Clock, the database connection,
 * the realtime core (bus, presence, limit counters) and the metrics, each global and provided once per app. The root imports
 * it: AppModule in production, ChatgateTestingModule (src/testing/) beside a feature module under test.
 * `dataSource`, when given, is already open; otherwise it is opened here, by `startDatabase`.
 */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, dataSource?: DataSource): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRootAsync({
          // startDatabase bounds and retries the opening itself; Nest's own retries (ten, 3 s apart) are off.
          useFactory: () => ({ ...buildDataSourceOptions(config.database), toRetry: () => false }),
          dataSourceFactory: async (options) =>
            dataSource ?? startDatabase(options as DataSourceOptions, config.database),
        }),
        RealtimeModule.forRoot(config.cluster),
        MetricsModule,
      ],
    };
  }
}
