import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsModule } from '../operations/metrics.module.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookOutboxModule } from './webhook-outbox.module.js';
import { DEFAULT_PRUNING_BOUNDS, WEBHOOK_PRUNING_BOUNDS, WebhookRetention } from './webhook-retention.js';
import { WEBHOOK_ENTITIES } from './webhook.entities.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Webhooks (docs/webhooks.md): the endpoints and deliveries (WebhooksService, served by the admin API), the
 * dispatcher that delivers what the domain services recorded through WebhookOutboxModule, and the retention sweep
 * that deletes finished rows after WEBHOOK_RETENTION_MS.
 */
@Module({
  imports: [TypeOrmModule.forFeature(WEBHOOK_ENTITIES), WebhookOutboxModule, MetricsModule],
  providers: [
    WebhookDispatcher,
    WebhookRetention,
    { provide: WEBHOOK_PRUNING_BOUNDS, useValue: DEFAULT_PRUNING_BOUNDS },
    WebhooksService,
  ],
  exports: [WebhooksService],
})
export class WebhooksModule {}
