import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminModule } from './admin/admin.module.js';
import { AppConfig } from './config/app-config.js';
import { buildDataSourceOptions } from './database/data-source-options.js';
import { LobbyModule } from './lobby/lobby.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { SellerModule } from './seller/seller.module.js';

@Global()
@Module({})
class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot(buildDataSourceOptions(config.database, config.runMigrations)),
        RealtimeModule,
        LobbyModule,
        SellerModule,
        AdminModule,
      ],
    };
  }
}
