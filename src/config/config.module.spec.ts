import { ConfigService, getConfigToken } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { type AppConfig, loadConfig, SETTINGS_AREAS } from './app-config.js';
import { lobbySettings } from './areas/lobby.settings.js';
import { ConfigModule } from './config.module.js';

async function compile(config: AppConfig) {
  return Test.createTestingModule({ imports: [ConfigModule.forRoot(config)] }).compile();
}

describe('ConfigModule', () => {
  it('keys each namespace by its area: the name the area has in AppConfig', () => {
    for (const [name, area] of Object.entries(SETTINGS_AREAS)) expect(area.KEY, name).toBe(getConfigToken(name));
  });

  it('provides every area of the configuration it is given under that area’s namespace, and to ConfigService', async () => {
    const config = loadConfig({ LOBBY_HISTORY_SIZE: '7', DATABASE_URL: 'sqlite::memory:' });
    const moduleRef = await compile(config);
    for (const [name, area] of Object.entries(SETTINGS_AREAS)) {
      expect(moduleRef.get(area.KEY), name).toBe(config[name as keyof AppConfig]);
    }
    expect(moduleRef.get(lobbySettings.KEY).historySize).toBe(7);
    expect(moduleRef.get(ConfigService).get('lobby.historySize')).toBe(7);
    await moduleRef.close();
  });

  it('keeps each app to its own configuration when several run in one process', async () => {
    const [one, two] = await Promise.all([
      compile(loadConfig({ LOBBY_HISTORY_SIZE: '1', DATABASE_URL: 'sqlite::memory:' })),
      compile(loadConfig({ LOBBY_HISTORY_SIZE: '2', DATABASE_URL: 'sqlite::memory:' })),
    ]);
    expect([one.get(lobbySettings.KEY).historySize, two.get(lobbySettings.KEY).historySize]).toEqual([1, 2]);
    await Promise.all([one.close(), two.close()]);
  });

  it('neither reads nor writes process.env', async () => {
    const before = { ...process.env };
    const moduleRef = await compile(loadConfig({ DATABASE_URL: 'sqlite::memory:' }));
    expect(process.env.PATH).toBeDefined();
    expect(moduleRef.get(ConfigService).get('PATH')).toBeUndefined();
    expect({ ...process.env }).toEqual(before);
    await moduleRef.close();
  });

  it('has namespaces that read nothing alone, so registering one again fails instead of shadowing the app’s values', () => {
    expect(() => lobbySettings()).toThrow(
      'the "lobby" settings come from ConfigModule.forRoot(config) (src/config/config.module.ts), with every other area',
    );
  });
});
