import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { AppsModule } from '../apps/apps.module.js';
import { AppsService } from '../apps/apps.service.js';
import { Clock } from '../common/clock.js';
import { cacheSettings } from '../config/areas/cache.settings.js';
import { userDirectorySettings } from '../config/areas/user-directory.settings.js';
import { UsersModule } from '../users/users.module.js';
import { UsersService } from '../users/users.service.js';
import { DirectoryChanges } from '../users/directory-changes.js';
import { CachedUserDirectory } from './cached-user-directory.js';
import { HttpUserDirectory } from './http-user-directory.js';
import { LocalUserDirectory } from './local-user-directory.js';
import { UserDirectory } from './user-directory.js';

@Module({
  imports: [AppsModule, UsersModule],
  providers: [
    {
      provide: UserDirectory,
      inject: [userDirectorySettings.KEY, cacheSettings.KEY, AppsService, UsersService, Clock, DirectoryChanges],
      useFactory: (
        settings: ConfigType<typeof userDirectorySettings>,
        cache: ConfigType<typeof cacheSettings>,
        apps: AppsService,
        users: UsersService,
        clock: Clock,
        changes: DirectoryChanges,
      ): UserDirectory => {
        const maxEntries = cache.maxEntries;
        if (!settings.url) {
          const local = new LocalUserDirectory(apps, users);
          return new CachedUserDirectory(local, clock, { maxEntries, ttlMs: cache.ttlMs, changes });
        }
        const remote = new HttpUserDirectory(settings.url, settings.timeoutMs);
        const ttlMs = settings.cacheTtlMs;
        return ttlMs > 0 ? new CachedUserDirectory(remote, clock, { maxEntries, ttlMs }) : remote;
      },
    },
  ],
  exports: [UserDirectory],
})
export class AuthModule {}
