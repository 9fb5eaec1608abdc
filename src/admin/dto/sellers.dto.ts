import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CreateSellerDto {
  @ApiProperty({ example: 'Trainer', maxLength: 64 })
  @IsString()
  @Length(1, 64)
  name: string;
}

export class SellerResponse {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty() name: string;
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
}

export class SellerMessageResponse {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty() text: string;
  @ApiProperty({ type: 'integer', description: 'Unix seconds' }) date: number;
  @ApiProperty({ type: 'integer' }) chatId: number;
  @ApiProperty({ enum: ['seller', 'client'] }) from: 'seller' | 'client';
}
