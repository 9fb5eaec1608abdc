import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Provider, type Type } from '@nestjs/common';
import { PARAMTYPES_METADATA, PROPERTY_DEPS_METADATA, SELF_DECLARED_DEPS_METADATA } from '@nestjs/common/constants.js';
import { ConfigModule as NestConfigModule, ConfigService, getConfigToken } from '@nestjs/config';
import { ModulesContainer } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { AppModule } from '../src/app.module.js';
import { loadConfig, SETTINGS_AREAS } from '../src/config/app-config.js';
import { LobbyService } from '../src/lobby/lobby.service.js';
import { RealtimeModule } from '../src/realtime/realtime.module.js';

const SRC = resolve(import.meta.dirname, '../src');

/** The roots that compose an app, and so hold the whole configuration (docs/development.md, "Settings"). */
const ROOTS = [
  'main.ts',
  'bootstrap.ts',
  'app.module.ts',
  'core.module.ts',
  'config/app-config.ts',
  'config/config.module.ts',
  'testing/chatgate-testing.module.ts',
];

const AREA_TOKENS = new Set(Object.keys(SETTINGS_AREAS).map((area) => getConfigToken(area)));

/** What a class asks Nest for: its constructor's parameters (by type, or by `@Inject` token) and its properties. */
function dependenciesOf(type: object): unknown[] {
  const parameters: unknown[] = [...((Reflect.getMetadata(PARAMTYPES_METADATA, type) as unknown[]) ?? [])];
  const declared = (Reflect.getMetadata(SELF_DECLARED_DEPS_METADATA, type) ?? []) as {
    index: number;
    param: unknown;
  }[];
  for (const { index, param } of declared) parameters[index] = param;
  const properties = (Reflect.getMetadata(PROPERTY_DEPS_METADATA, type) ?? []) as { type: unknown }[];
  return [...parameters, ...properties.map((property) => property.type)];
}

/**
 * A token that reaches settings: ConfigService and @nestjs/config's own tokens (`CONFIGURATION_TOKEN`, the
 * configuration host holding every area; `Symbol(CONFIG_SERVICE)`), and the areas' namespaces, `CONFIGURATION(name)`.
 */
function isSettingsToken(token: unknown): boolean {
  if (token === ConfigService) return true;
  if (typeof token === 'string') return token.startsWith('CONFIGURATION');
  return typeof token === 'symbol' && (token.description ?? '').startsWith('CONFIG');
}

function nameOf(token: unknown): string {
  return typeof token === 'function' ? token.name : String(token);
}

describe('settings by area: services receive only their own areas', () => {
  it('no source under src/ but the roots names the whole configuration or reads it', () => {
    const sources = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter(
      (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && !ROOTS.includes(file),
    );
    const naming = sources.filter((file) =>
      /\bAppConfig\b|\bloadConfig\(|\bSETTINGS_AREAS\b/.test(readFileSync(join(SRC, file), 'utf8')),
    );
    expect(naming).toEqual([]);
  });

  it('no provider, controller, guard or filter of the app injects more than areas of the settings', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot(loadConfig({ DATABASE_URL: 'sqlite::memory:', DEMO: 'false' }))],
    }).compile();
    const areasOf = new Map<unknown, unknown[]>();
    for (const module of moduleRef.get(ModulesContainer).values()) {
      // @nestjs/config's own providers hold every area: that is how it provides them.
      if (module.metatype === NestConfigModule || module.metatype.name === 'ConfigHostModule') continue;
      for (const wrapper of [
        ...module.providers.values(),
        ...module.controllers.values(),
        ...module.injectables.values(),
      ]) {
        if (wrapper.isNotMetatype || !wrapper.metatype) continue;
        const tokens = wrapper.inject
          ? wrapper.inject.map((entry) => (typeof entry === 'object' && 'token' in entry ? entry.token : entry))
          : dependenciesOf(wrapper.metatype);
        areasOf.set(wrapper.token, tokens.filter(isSettingsToken));
      }
    }
    // The walk sees `@Inject(lobbySettings.KEY)`: LobbyService reads the lobby's settings and no other.
    expect(areasOf.get(LobbyService)).toEqual([getConfigToken('lobby')]);
    const beyondAreas = [...areasOf].filter(([, tokens]) => tokens.some((token) => !AREA_TOKENS.has(token as string)));
    expect(beyondAreas.map(([token, tokens]) => [nameOf(token), tokens.map(nameOf)])).toEqual([]);
    await moduleRef.close();
  });

  it('nor do the realtime core’s Redis implementations, which that app (without REDIS_URL) does not hold', () => {
    const { cluster } = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', DATABASE_URL: 'postgres://u@db/chat' });
    const classes = (RealtimeModule.forRoot(cluster).providers ?? []).map((provider: Provider) =>
      typeof provider === 'function' ? provider : 'useClass' in provider ? provider.useClass : null,
    );
    const redisClasses = classes.filter((type): type is Type => type !== null && type.name.startsWith('Redis'));
    expect(redisClasses.map((type) => type.name).sort()).toEqual([
      'RedisConnections',
      'RedisDeliveryBus',
      'RedisPresenceStore',
      'RedisRateLimiterFactory',
    ]);
    const beyondAreas = redisClasses.filter((type) =>
      dependenciesOf(type).some((token) => isSettingsToken(token) && !AREA_TOKENS.has(token as string)),
    );
    expect(beyondAreas.map((type) => type.name)).toEqual([]);
  });
});
