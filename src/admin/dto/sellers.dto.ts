import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CreateSellerDto {
  @ApiProperty({ example: 'Trainer', maxLength: 64 })
  @IsString()
  @Length(1, 64)
  name: string;
}

export class SellerResponse {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
}

export class CreatedSellerResponse extends SellerResponse {
  @ApiProperty({ description: "The seller widget's token; shown once" }) token: string;
}

export class SellerTokenResponse {
  @ApiProperty({ description: 'The new token; every earlier one stops working' }) token: string;
}

export class SellerChatResponse {
  @ApiProperty() id: number;
  @ApiProperty({ example: { id: 12, name: 'shoom' } }) client: { id: number; name: string };
}

export class SellerMessageResponse {
  @ApiProperty() id: number;
  @ApiProperty() text: string;
  @ApiProperty({ description: 'Unix seconds' }) date: number;
  @ApiProperty() chatId: number;
  @ApiProperty({ enum: ['seller', 'client'] }) from: 'seller' | 'client';
}
