import { type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { ChatsModule } from '../chats/chats.module.js';
import { LobbyModule } from '../lobby/lobby.module.js';
import { ModerationModule } from '../moderation/moderation.module.js';
import { SellerModule } from '../seller/seller.module.js';
import { UsersModule } from '../users/users.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { AppsController } from './apps.controller.js';
import { JsonBodiesOnly } from './json-bodies.middleware.js';
import { SellersController } from './sellers.controller.js';
import { UsersController } from './users.controller.js';
import { WebhooksController } from './webhooks.controller.js';

@Module({
  imports: [AppsModule, UsersModule, ChatsModule, LobbyModule, ModerationModule, SellerModule, WebhooksModule],
  controllers: [AppsController, UsersController, SellersController, WebhooksController],
  providers: [AdminTokenGuard],
})
export class AdminModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(JsonBodiesOnly).forRoutes(AppsController, UsersController, SellersController, WebhooksController);
  }
}
