import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ApiErrorResponses, ApiErrors, BODY_ERRORS, INVALID } from './api-error-responses.js';
import { PaginationQuery } from './dto/pagination.dto.js';
import {
  CreatedWebhookResponse,
  CreateWebhookDto,
  WebhookDeliveryResponse,
  WebhookResponse,
} from './dto/webhooks.dto.js';
import { NoBody } from './dto/no-body.dto.js';
import { ParseRowIdPipe } from './parse-row-id.pipe.js';
import { type DeliveryView, type EndpointView, WebhooksService } from '../webhooks/webhooks.service.js';

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiErrorResponses()
@UseGuards(AdminTokenGuard)
@Controller('api/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiErrors({ 400: [INVALID.body, 'a `url` refused as a target'], ...BODY_ERRORS })
  @ApiCreatedResponse({ type: CreatedWebhookResponse, description: 'Deliveries start with the events that follow' })
  create(@Body() body: CreateWebhookDto): Promise<EndpointView & { secret: string }> {
    return this.webhooks.create(body);
  }

  @Get()
  @ApiOkResponse({ type: [WebhookResponse] })
  list(): Promise<EndpointView[]> {
    return this.webhooks.list();
  }

  @Get(':id')
  @ApiErrors({ 400: [INVALID.id], 404: 'No such webhook' })
  @ApiOkResponse({ type: WebhookResponse })
  get(@Param('id', ParseRowIdPipe) id: number): Promise<EndpointView> {
    return this.webhooks.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiErrors({ 400: [INVALID.id, INVALID.noBody], 404: 'No such webhook', ...BODY_ERRORS })
  @ApiNoContentResponse({ description: 'Deleted with its deliveries; nothing more is sent to it' })
  remove(@Param('id', ParseRowIdPipe) id: number, @Body() _body: NoBody): Promise<void> {
    return this.webhooks.remove(id);
  }

  @Get(':id/deliveries')
  @ApiErrors({ 400: [INVALID.id, INVALID.query], 404: 'No such webhook' })
  @ApiOkResponse({ type: [WebhookDeliveryResponse], description: 'Oldest first' })
  deliveries(@Param('id', ParseRowIdPipe) id: number, @Query() page: PaginationQuery): Promise<DeliveryView[]> {
    return this.webhooks.deliveriesOf(id, page.limit, page.after);
  }

  @Post(':id/deliveries/:deliveryId/retry')
  @HttpCode(200)
  @ApiErrors({ 400: [INVALID.id, INVALID.noBody], 404: 'No such delivery of this webhook', ...BODY_ERRORS })
  @ApiOkResponse({ type: WebhookDeliveryResponse, description: 'Due now: attempted in the next round' })
  retry(
    @Param('id', ParseRowIdPipe) id: number,
    @Param('deliveryId', ParseRowIdPipe) deliveryId: number,
    @Body() _body: NoBody,
  ): Promise<DeliveryView> {
    return this.webhooks.retry(id, deliveryId);
  }
}
