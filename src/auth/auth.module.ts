import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { AppsService } from '../apps/apps.service.js';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
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
      inject: [AppConfig, AppsService, UsersService, Clock, DirectoryChanges],
      useFactory: (
        config: AppConfig,
        apps: AppsService,
        users: UsersService,
        clock: Clock,
        changes: DirectoryChanges,
      ): UserDirectory => {
        const maxEntries = config.cacheMaxEntries;
        if (!config.userDirectoryUrl) {
          const local = new LocalUserDirectory(apps, users);
          return new CachedUserDirectory(local, clock, { maxEntries, ttlMs: config.cacheTtlMs, changes });
        }
        const remote = new HttpUserDirectory(config.userDirectoryUrl, config.userDirectoryTimeoutMs);
        const ttlMs = config.userDirectoryCacheTtlMs;
        return ttlMs > 0 ? new CachedUserDirectory(remote, clock, { maxEntries, ttlMs }) : remote;
      },
    },
  ],
  exports: [UserDirectory],
})
export class AuthModule {}
