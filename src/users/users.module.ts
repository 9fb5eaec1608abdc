import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DirectoryChanges } from '../auth/directory-changes.js';
import { AccessTokenEntity } from './access-token.entity.js';
import { AccessTokensService } from './access-tokens.service.js';
import { ChatUsersService } from './chat-users.service.js';
import { IdentityChanges } from './identity-changes.js';
import { UserEntity } from './user.entity.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, AccessTokenEntity])],
  providers: [AccessTokensService, UsersService, ChatUsersService, IdentityChanges, DirectoryChanges],
  exports: [UsersService, ChatUsersService],
})
export class UsersModule {}
