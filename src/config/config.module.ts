import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule, registerAs } from '@nestjs/config';
import { Clock, SystemClock } from '../common/clock.js';
import { type AppConfig, SETTINGS_AREAS } from './app-config.js';

/**
 * The validated configuration, one `@nestjs/config` namespace per area (`@Inject(lobbySettings.KEY)`), and the clock,
 * for every module: global, provided once per app by CoreModule (which AppModule and, in a test of a feature module
 * alone, ChatgateTestingModule import). Each area is the one loadConfig read: @nestjs/config reads no `.env` file and
 * neither reads nor writes `process.env` here (no env file, no predefined variables to validate, none for
 * ConfigService.get), so several apps with different configurations run side by side in one process.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    const areas = Object.keys(SETTINGS_AREAS) as (keyof AppConfig)[];
    return {
      module: ConfigModule,
      imports: [
        NestConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validatePredefined: false,
          skipProcessEnv: true,
          load: areas.map((area) => registerAs(area, () => config[area])),
        }),
      ],
      providers: [{ provide: Clock, useClass: SystemClock }],
      exports: [Clock],
    };
  }
}
