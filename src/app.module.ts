import { type DynamicModule, Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AdminModule } from './admin/admin.module.js';
import type { AppConfig } from './config/app-config.js';
import { CoreModule } from './core.module.js';
import { DemoModule } from './demo/demo.module.js';
import { LobbyModule } from './lobby/lobby.module.js';
import { OperationsModule } from './operations/operations.module.js';
import { SellerModule } from './seller/seller.module.js';
import { WebModule } from './web/web.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({})
export class AppModule {
  /**
   * The whole backend: the core (CoreModule) and every feature. `configureApp` (bootstrap.ts) then gives the app its
   * transports, pipes and filters. `dataSource`, when given, is already open (main.ts opens it first, so a failure
   * is one line, not Nest's stack trace).
   */
  static forRoot(config: AppConfig, dataSource?: DataSource): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, dataSource),
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
