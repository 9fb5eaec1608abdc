import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsUrl, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../webhooks/webhook-events.js';

const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;

/** Absent fields are not filters; null is not a value (IsOptional would let it through). */
function isGiven(_: object, value: unknown): boolean {
  return value !== undefined;
}

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://shop.example/hooks/chatgate', maxLength: 2048 })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  url: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true, description: 'Absent: every event type' })
  @ValidateIf(isGiven)
  @IsArray()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: WebhookEventType[];

  @ApiPropertyOptional({ type: 'integer', description: "Only this app's lobby events" })
  @ValidateIf(isGiven)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  appId?: number;

  @ApiPropertyOptional({ type: 'integer', description: "Only this seller's chat events" })
  @ValidateIf(isGiven)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  sellerId?: number;
}

export class WebhookResponse {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty() url: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) events: WebhookEventType[];
  @ApiProperty({ type: 'integer', nullable: true }) appId: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) sellerId: number | null;
}

export class CreatedWebhookResponse extends WebhookResponse {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'The Standard Webhooks signing secret; shown once',
  })
  secret: string;
}

export class WebhookDeliveryResponse {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty({ description: 'The event id, sent as webhook-id with every attempt' }) eventId: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES }) type: string;
  @ApiProperty({ enum: DELIVERY_STATES }) state: string;
  @ApiProperty({ type: 'integer' }) attempts: number;
  @ApiProperty({ type: 'integer', nullable: true, description: "The last attempt's HTTP status" })
  lastStatus: number | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'Why the last attempt failed' })
  lastError: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'While pending' })
  nextAttemptAt: string | null;
}
