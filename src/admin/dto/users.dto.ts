import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { UNAME_PATTERN, USER_ROLES, type UserRole } from '../../users/roles.js';

export class CreateUserDto {
  @ApiProperty({ example: 'alice', description: '1-32 of A-Z a-z 0-9 _, unique in any letter case' })
  @Matches(UNAME_PATTERN, { message: 'uname must be 1-32 characters of A-Z, a-z, 0-9 and _' })
  uname: string;

  @ApiPropertyOptional({ enum: USER_ROLES, default: 'member' })
  @IsOptional()
  @IsIn(USER_ROLES, { message: 'role must be one of admin, mod, member' })
  role?: UserRole;
}

export class UpdateUserDto {
  @ApiProperty({ enum: USER_ROLES })
  @IsIn(USER_ROLES, { message: 'role must be one of admin, mod, member' })
  role: UserRole;
}

export class UserResponse {
  @ApiProperty({ type: 'integer' }) id: number;
  @ApiProperty() uname: string;
  @ApiProperty({ enum: USER_ROLES }) role: UserRole;
}

export class TokenResponse {
  @ApiProperty({ description: 'Shown once; only its hash is stored' }) token: string;
  @ApiProperty({ description: 'sha256 hex of the token: what a lobby widget sends as hashed_token' })
  hashed_token: string;
}

export class RevokedResponse {
  @ApiProperty({ type: 'integer', description: 'How many tokens were revoked' }) revoked: number;
}
