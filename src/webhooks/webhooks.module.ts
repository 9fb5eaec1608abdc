import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookSubscriptions } from './webhook-subscriptions.js';
import { WEBHOOK_ENTITIES } from './webhook.entities.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Webhooks (docs/webhooks.md): the endpoints API, the dispatcher, and WebhookSubscriptions, through which the
 * domain services record events in the transactions of the changes they report. Global, like the database: any
 * service that changes something an event reports may need it.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature(WEBHOOK_ENTITIES)],
  controllers: [WebhooksController],
  providers: [WebhookSubscriptions, WebhookDispatcher, WebhooksService],
  exports: [WebhookSubscriptions],
})
export class WebhooksModule {}
