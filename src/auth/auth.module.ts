import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { AppsService } from '../apps/apps.service.js';
import { AppConfig } from '../config/app-config.js';
import { UsersModule } from '../users/users.module.js';
import { UsersService } from '../users/users.service.js';
import { HttpUserDirectory } from './http-user-directory.js';
import { LocalUserDirectory } from './local-user-directory.js';
import { UserDirectory } from './user-directory.js';

@Module({
  imports: [AppsModule, UsersModule],
  providers: [
    {
      provide: UserDirectory,
      inject: [AppConfig, AppsService, UsersService],
      useFactory: (config: AppConfig, apps: AppsService, users: UsersService): UserDirectory =>
        config.userDirectoryUrl
          ? new HttpUserDirectory(config.userDirectoryUrl, config.userDirectoryTimeoutMs)
          : new LocalUserDirectory(apps, users),
    },
  ],
  exports: [UserDirectory],
})
export class AuthModule {}
