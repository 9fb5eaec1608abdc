import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokenEntity } from './access-token.entity.js';
import { AccessTokensService } from './access-tokens.service.js';
import { DirectoryChanges } from './directory-changes.js';
import { IdentityChanges } from './identity-changes.js';
import { UserEntity } from './user.entity.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, AccessTokenEntity])],
  providers: [AccessTokensService, UsersService, IdentityChanges, DirectoryChanges],
  exports: [UsersService, AccessTokensService, DirectoryChanges, IdentityChanges],
})
export class UsersModule {}
