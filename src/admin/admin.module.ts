import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { LobbyModule } from '../lobby/lobby.module.js';
import { ModerationModule } from '../moderation/moderation.module.js';
import { SellerModule } from '../seller/seller.module.js';
import { UsersModule } from '../users/users.module.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { AppsController } from './apps.controller.js';
import { SellersController } from './sellers.controller.js';
import { UsersController } from './users.controller.js';

@Module({
  imports: [AppsModule, UsersModule, LobbyModule, ModerationModule, SellerModule],
  controllers: [AppsController, UsersController, SellersController],
  providers: [AdminTokenGuard],
})
export class AdminModule {}
