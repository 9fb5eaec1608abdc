import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, Matches } from 'class-validator';

const ORIGIN_PATTERN = /^https?:\/\/[^\s/?#]+\/?$/i;
const ORIGIN_MESSAGE = 'each origin must be scheme://host[:port], such as https://site.example';
import { UNAME_PATTERN } from '../../users/roles.js';

const UNAME_MESSAGE = 'each uname must be 1-32 characters of A-Z, a-z, 0-9 and _';

export class CreateAppDto {
  @ApiProperty({ example: 'Dice', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ example: ['olga'], description: 'Unames of the owners; they need not exist yet' })
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(UNAME_PATTERN, { each: true, message: UNAME_MESSAGE })
  owners: string[];

  @ApiPropertyOptional({ example: [], description: "Unames of the app's own mods" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(UNAME_PATTERN, { each: true, message: UNAME_MESSAGE })
  mods?: string[];

  @ApiPropertyOptional({
    example: ['https://site.example'],
    description: 'Site origins whose pages may join the lobby; empty or absent allows any',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(ORIGIN_PATTERN, { each: true, message: ORIGIN_MESSAGE })
  origins?: string[];
}

export class UpdateAppDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ description: 'Replaces the owners' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(UNAME_PATTERN, { each: true, message: UNAME_MESSAGE })
  owners?: string[];

  @ApiPropertyOptional({ description: "Replaces the app's own mods" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(UNAME_PATTERN, { each: true, message: UNAME_MESSAGE })
  mods?: string[];

  @ApiPropertyOptional({ description: 'Replaces the allowed origins; [] allows any' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(ORIGIN_PATTERN, { each: true, message: ORIGIN_MESSAGE })
  origins?: string[];
}

export class AppResponse {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty() name: string;
  @ApiProperty({ type: [String] }) owners: string[];
  @ApiProperty({ type: [String] }) mods: string[];
  @ApiProperty({ type: [String], description: 'Allowed site origins of the lobby; empty allows any' })
  origins: string[];
}

export class LobbyMessageResponse {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty({ example: { uname: 'alice', role: 'member' } }) user: { uname: string; role: string };
  @ApiProperty() text: string;
}
