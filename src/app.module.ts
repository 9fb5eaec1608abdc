import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource, DataSourceOptions } from 'typeorm';
import { AdminModule } from './admin/admin.module.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { buildDataSourceOptions } from './database/data-source-options.js';
import { DatabaseModule } from './database/database.module.js';
import { startDatabase } from './database/start-database.js';
import { DemoModule } from './demo/demo.module.js';
import { LobbyModule } from './lobby/lobby.module.js';
import { OperationsModule } from './operations/operations.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { SellerModule } from './seller/seller.module.js';
import { WebModule } from './web/web.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({})
export class AppModule {
  /**
   * The whole backend. `configureApp` (bootstrap.ts) then gives the app its transports, pipes and filters.
   * `dataSource`, when given, is already open (main.ts opens it first, so a failure is one line, not Nest's
   * stack trace); otherwise it is opened here the same way, by `openDatabase`.
   */
  static forRoot(config: AppConfig, dataSource?: DataSource): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRootAsync({
          // startDatabase bounds and retries the opening itself; Nest's own retries (ten, 3 s apart) are off.
          useFactory: () => ({ ...buildDataSourceOptions(config.database, config), toRetry: () => false }),
          dataSourceFactory: async (options) => dataSource ?? startDatabase(options as DataSourceOptions, config),
        }),
        DatabaseModule,
        RealtimeModule.forRoot(config),
        OperationsModule,
        WebhooksModule,
        LobbyModule,
        SellerModule,
        AdminModule,
        WebModule,
        DemoModule,
      ],
    };
  }
}
