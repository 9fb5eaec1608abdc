import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminModule } from './admin/admin.module.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import type { DataSourceOptions } from 'typeorm';
import { buildDataSourceOptions } from './database/data-source-options.js';
import { openDatabase } from './database/migrate.js';
import { DemoModule } from './demo/demo.module.js';
import { LobbyModule } from './lobby/lobby.module.js';
import { OperationsModule } from './operations/operations.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { SellerModule } from './seller/seller.module.js';
import { WebModule } from './web/web.module.js';

@Module({})
export class AppModule {
  /** The whole backend. `configureApp` (bootstrap.ts) then gives the app its transports, pipes and filters. */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRootAsync({
          useFactory: () => buildDataSourceOptions(config.database),
          dataSourceFactory: (options) => openDatabase(options as DataSourceOptions, config.runMigrations),
        }),
        RealtimeModule.forRoot(config),
        OperationsModule,
        LobbyModule,
        SellerModule,
        AdminModule,
        WebModule,
        DemoModule,
      ],
    };
  }
}
