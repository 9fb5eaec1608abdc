import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';

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

  @ApiPropertyOptional({
    example: ['scam', 'free coins'],
    description:
      "Words (or phrases) a member's lobby message may not contain: whole words, in any letter case, full-width " +
      'and accented look-alikes included (docs/moderation.md). At most LOBBY_BLOCKED_WORDS_MAX words of at most ' +
      'LOBBY_BLOCKED_WORD_MAX_LENGTH characters',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  blockedWords?: string[];

  @ApiPropertyOptional({ default: true, description: "false refuses members' lobby messages containing a link" })
  @IsOptional()
  @IsBoolean()
  allowLinks?: boolean;
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
  @ApiPropertyOptional({ description: 'Replaces the blocked words; [] blocks none' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  blockedWords?: string[];

  @ApiPropertyOptional({ description: "false refuses members' lobby messages containing a link" })
  @IsOptional()
  @IsBoolean()
  allowLinks?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 3600,
    description:
      'Slow mode: seconds a member waits between lobby messages; 0 turns it off. A change is told to the lobby',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3600)
  slowModeSeconds?: number;
}

export class AppResponse {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty() name: string;
  @ApiProperty({ type: [String] }) owners: string[];
  @ApiProperty({ type: [String] }) mods: string[];
  @ApiProperty({ type: [String], description: 'Allowed site origins of the lobby; empty allows any' })
  origins: string[];
  @ApiProperty({ type: 'integer', description: "Slow mode's seconds between a member's messages; 0 is off" })
  slowModeSeconds: number;
  @ApiProperty({ type: [String], description: 'Words members may not post' })
  blockedWords: string[];
  @ApiProperty({ description: 'Whether members may post links' })
  allowLinks: boolean;
}

export class ModerationEntryResponse {
  @ApiProperty({ type: 'integer', description: 'Increasing; the cursor for `after`' }) id: number;
  @ApiProperty({ example: '2026-12-06T12:00:00.000Z' }) at: string;
  @ApiProperty({ type: 'string', nullable: true, description: "The staff member's uname; null for this API" })
  actor: string | null;
  @ApiProperty({ enum: ['mute', 'unmute', 'delete', 'purge', 'slow_mode'] }) action: string;
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: "The uname acted on (a deleted message's author for delete); null for slow_mode",
  })
  target: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { messageId: 42 },
    description:
      'mute: {mins, expires_at}; unmute: {}; delete: {messageId}; purge: {count, messageIds}; slow_mode: {seconds}',
  })
  details: Record<string, unknown>;
}

export class LobbyMessageResponse {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty({ example: { uname: 'alice', role: 'member' } }) user: { uname: string; role: string };
  @ApiProperty() text: string;
}
