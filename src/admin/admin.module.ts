import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AppsModule } from '../apps/apps.module.js';
import { LobbyModule } from '../lobby/lobby.module.js';
import { SellerModule } from '../seller/seller.module.js';
import { UsersModule } from '../users/users.module.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { AppsController } from './apps.controller.js';
import { DomainErrorFilter } from './domain-error.filter.js';
import { SellersController } from './sellers.controller.js';
import { UsersController } from './users.controller.js';

@Module({
  imports: [AppsModule, UsersModule, LobbyModule, SellerModule],
  controllers: [AppsController, UsersController, SellersController],
  providers: [AdminTokenGuard, { provide: APP_FILTER, useClass: DomainErrorFilter }],
})
export class AdminModule {}
