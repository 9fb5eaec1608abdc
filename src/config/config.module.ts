import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from '../common/clock.js';
import { AppConfig } from './app-config.js';

/**
 * The validated configuration and the clock, for every module. Import `ConfigModule.forRoot(config)` once at the
 * root (AppModule does); a test that compiles a feature module alone imports it beside that module.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: Clock, useClass: SystemClock },
      ],
      exports: [AppConfig, Clock],
    };
  }
}
