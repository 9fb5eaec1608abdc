import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhookEndpointEntity } from './webhook.entities.js';
import { WebhookSubscriptions } from './webhook-subscriptions.js';

/**
 * The recording side of webhooks: WebhookSubscriptions, through which a domain service learns whether an event is
 * wanted and records it in the transaction of the change it reports. Imported by every module whose changes raise
 * events; delivering them is WebhooksModule's.
 */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookEndpointEntity])],
  providers: [WebhookSubscriptions],
  exports: [WebhookSubscriptions],
})
export class WebhookOutboxModule {}
