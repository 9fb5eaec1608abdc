import type { INestApplicationContext } from '@nestjs/common';
import { type ConfigFactoryKeyHost, registerAs } from '@nestjs/config';

/**
 * One area of the settings as a `@nestjs/config` namespace, which the services of that area inject alone:
 * `@Inject(lobbySettings.KEY) private readonly lobby: ConfigType<typeof lobbySettings>`. Its values are not read by
 * the namespace: loadConfig reads every area with one SettingsReader, so that one error names every invalid setting,
 * and ConfigModule.forRoot(config) provides each area of that result under its namespace's key. Registering the
 * namespace again on its own (`NestConfigModule.forFeature`, `asProvider()`) would read nothing and fails, naming
 * where the area comes from, instead of shadowing the app's values.
 */
export function settingsArea<T extends object>(name: string) {
  return registerAs(name, (): T => {
    throw new Error(
      `the "${name}" settings come from ConfigModule.forRoot(config) (src/config/config.module.ts), with every other area`,
    );
  });
}

/**
 * An area's values as an app (or a compiled testing module) holds them, for code that is not a provider and so
 * cannot inject them: configureApp, the transports' adapters, tests.
 */
export function settingsOf<T>(app: INestApplicationContext, area: ConfigFactoryKeyHost<T>): T {
  return app.get<T>(area.KEY);
}
