import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsModule } from '../operations/metrics.module.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookOutboxModule } from './webhook-outbox.module.js';
import { WEBHOOK_ENTITIES } from './webhook.entities.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Webhooks (docs/webhooks.md): the endpoints and deliveries (WebhooksService, served by the admin API) and the
 * dispatcher that delivers what the domain services recorded through WebhookOutboxModule.
 */
@Module({
  imports: [TypeOrmModule.forFeature(WEBHOOK_ENTITIES), WebhookOutboxModule, MetricsModule],
  providers: [WebhookDispatcher, WebhooksService],
  exports: [WebhooksService],
})
export class WebhooksModule {}
