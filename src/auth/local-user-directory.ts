import { Injectable } from '@nestjs/common';
import { AppsService } from '../apps/apps.service.js';
import { UsersService } from '../users/users.service.js';
import { type DirectoryApp, type DirectoryUser, UserDirectory } from './user-directory.js';

@Injectable()
export class LocalUserDirectory extends UserDirectory {
  constructor(
    private readonly apps: AppsService,
    private readonly users: UsersService,
  ) {
    super();
  }

  findApp(appId: number): Promise<DirectoryApp | null> {
    return this.apps.access(appId);
  }

  findUserByTokenHash(tokenHash: string): Promise<DirectoryUser | null> {
    return this.users.findByTokenHash(tokenHash);
  }
}
