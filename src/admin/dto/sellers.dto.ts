import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsString, Length, ValidateIf } from 'class-validator';

const OFFLINE_MESSAGES =
  "Clients may write while the seller is offline: their messages are stored, acked and in the seller's next auth " +
  'reply. Off: such a message is refused USER_IS_NOT_ONLINE, as in the original AH Chat protocol';

/** Absent fields are left as they are; null is not a boolean (IsOptional would let it through to the database). */
function isGiven(_: object, value: unknown): boolean {
  return value !== undefined;
}

export class CreateSellerDto {
  @ApiProperty({ example: 'Trainer', maxLength: 64 })
  @IsString()
  @Length(1, 64)
  name: string;

  @ApiPropertyOptional({ default: false, description: OFFLINE_MESSAGES })
  @ValidateIf(isGiven)
  @IsBoolean()
  offlineMessages?: boolean;
}

export class UpdateSellerDto {
  @ApiPropertyOptional({ description: OFFLINE_MESSAGES })
  @ValidateIf(isGiven)
  @IsBoolean()
  offlineMessages?: boolean;
}

export class SellerResponse {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty() name: string;
  @ApiProperty({ description: OFFLINE_MESSAGES }) offlineMessages: boolean;
}

export class CreatedSellerResponse extends SellerResponse {
  @ApiProperty({ description: "The seller widget's token; shown once" }) token: string;
}

export class SellerTokenResponse {
  @ApiProperty({ description: 'The new token; every earlier one stops working' }) token: string;
}

export class SellerChatResponse {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty({
    type: 'object',
    properties: { id: { type: 'integer' }, name: { type: 'string' } },
    example: { id: 12, name: 'shoom' },
  })
  client: { id: number; name: string };
  @ApiProperty({
    type: 'integer',
    description:
      "The client's messages after both the seller's read mark (the `read` command) and its last message in the chat",
  })
  unread: number;
  @ApiProperty({ type: 'integer', description: 'The id of the last message the seller marked read; 0 for none' })
  lastRead: number;
}

export class SellerMessageResponse {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty() text: string;
  @ApiProperty({ type: 'integer', description: 'Unix seconds' }) date: number;
  @ApiProperty({ type: 'integer' }) chatId: number;
  @ApiProperty({ enum: ['seller', 'client'] }) from: 'seller' | 'client';
}
