import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AppsModule } from '../apps/apps.module.js';
import { LobbyModule } from '../lobby/lobby.module.js';
import { UsersModule } from '../users/users.module.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { AppsController } from './apps.controller.js';
import { DomainErrorFilter } from './domain-error.filter.js';
import { UsersController } from './users.controller.js';

@Module({
  imports: [AppsModule, UsersModule, LobbyModule],
  controllers: [AppsController, UsersController],
  providers: [AdminTokenGuard, { provide: APP_FILTER, useClass: DomainErrorFilter }],
})
export class AdminModule {}
