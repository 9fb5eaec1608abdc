import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type IssuedToken, type UserView, UsersService } from '../users/users.service.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { PaginationQuery } from './dto/pagination.dto.js';
import { NoBody } from './dto/no-body.dto.js';
import { CreateUserDto, RevokedResponse, TokenResponse, UpdateUserDto, UserResponse } from './dto/users.dto.js';
import { ApiErrorResponses, ApiErrors, BODY_ERRORS, INVALID } from './api-error-responses.js';

/** A uname in the path is looked up as given: one that could never be a uname is no user either (404, not 400). */
const NO_USER = 'No such user';

@ApiTags('users')
@ApiBearerAuth()
@ApiErrorResponses()
@UseGuards(AdminTokenGuard)
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiErrors({ 400: [INVALID.body], 409: 'The uname is taken, in any letter case', ...BODY_ERRORS })
  @ApiCreatedResponse({ type: UserResponse })
  create(@Body() body: CreateUserDto): Promise<UserView> {
    return this.users.create(body.uname, body.role);
  }

  @Get()
  @ApiErrors({ 400: [INVALID.query] })
  @ApiOkResponse({ type: [UserResponse] })
  list(@Query() page: PaginationQuery): Promise<UserView[]> {
    return this.users.list(page.limit, page.after);
  }

  @Get(':uname')
  @ApiErrors({ 404: NO_USER })
  @ApiOkResponse({ type: UserResponse })
  get(@Param('uname') uname: string): Promise<UserView> {
    return this.users.get(uname);
  }

  @Patch(':uname')
  @ApiErrors({ 400: [INVALID.body], 404: NO_USER, ...BODY_ERRORS })
  @ApiOkResponse({
    type: UserResponse,
    description: "Disconnects the user's live lobby sockets; their next auth has the new role",
  })
  update(@Param('uname') uname: string, @Body() body: UpdateUserDto): Promise<UserView> {
    return this.users.setRole(uname, body.role);
  }

  @Delete(':uname')
  @HttpCode(204)
  @ApiErrors({ 400: [INVALID.noBody], 404: NO_USER, ...BODY_ERRORS })
  @ApiNoContentResponse({
    description:
      'Deleted with their tokens; their live lobby sockets are closed on every instance. Their lobby messages, ' +
      'mutes and staff places (by uname) stay (docs/rest-api.md)',
  })
  remove(@Param('uname') uname: string, @Body() _body: NoBody): Promise<void> {
    return this.users.remove(uname);
  }

  @Post(':uname/tokens')
  @ApiErrors({ 400: [INVALID.noBody], 404: NO_USER, ...BODY_ERRORS })
  @ApiCreatedResponse({ type: TokenResponse })
  issueToken(@Param('uname') uname: string, @Body() _body: NoBody): Promise<IssuedToken> {
    return this.users.issueToken(uname);
  }

  @Delete(':uname/tokens')
  @ApiErrors({ 400: [INVALID.noBody], 404: NO_USER, ...BODY_ERRORS })
  @ApiOkResponse({ type: RevokedResponse, description: "Revokes all of the user's tokens" })
  async revokeAll(@Param('uname') uname: string, @Body() _body: NoBody): Promise<{ revoked: number }> {
    return { revoked: await this.users.revokeTokens(uname) };
  }

  @Delete(':uname/tokens/:hashedToken')
  @ApiErrors({ 400: [INVALID.noBody], 404: NO_USER, ...BODY_ERRORS })
  @ApiOkResponse({ type: RevokedResponse, description: 'Revokes one token, named by its hashed_token' })
  async revokeOne(
    @Param('uname') uname: string,
    @Param('hashedToken') hashedToken: string,
    @Body() _body: NoBody,
  ): Promise<{ revoked: number }> {
    return { revoked: await this.users.revokeTokens(uname, hashedToken) };
  }
}
