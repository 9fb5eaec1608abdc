import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiCreatedResponse, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { AppsService, type AppView } from '../apps/apps.service.js';
import { LobbyModeration } from '../lobby/lobby-moderation.js';
import { LobbyService } from '../lobby/lobby.service.js';
import type { LobbyMessage } from '../lobby/lobby.types.js';
import { ModerationLog, type ModerationRecord } from '../moderation/moderation-log.service.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import {
  AppResponse,
  CreateAppDto,
  LobbyMessageResponse,
  ModerationEntryResponse,
  UpdateAppDto,
} from './dto/apps.dto.js';
import { NoBody } from './dto/no-body.dto.js';
import { LimitQuery, PaginationQuery } from './dto/pagination.dto.js';
import { ApiErrorResponses, ApiErrors, BODY_ERRORS, INVALID } from './api-error-responses.js';
import { ParseRowIdPipe } from './parse-row-id.pipe.js';

@ApiTags('apps')
@ApiBearerAuth()
@ApiErrorResponses()
@UseGuards(AdminTokenGuard)
@Controller('api/apps')
export class AppsController {
  constructor(
    private readonly apps: AppsService,
    private readonly lobby: LobbyService,
    private readonly moderation: LobbyModeration,
    private readonly log: ModerationLog,
  ) {}

  @Post()
  @ApiErrors({ 400: [INVALID.body], ...BODY_ERRORS })
  @ApiCreatedResponse({ type: AppResponse })
  create(@Body() body: CreateAppDto): Promise<AppView> {
    const { name, owners, mods, origins, blockedWords, allowLinks } = body;
    return this.apps.create(name, owners, mods, origins, { blockedWords, allowLinks });
  }

  @Get()
  @ApiErrors({ 400: [INVALID.query] })
  @ApiOkResponse({ type: [AppResponse] })
  list(@Query() page: PaginationQuery): Promise<AppView[]> {
    return this.apps.list(page.limit, page.after);
  }

  @Get(':id')
  @ApiErrors({ 400: [INVALID.id], 404: 'No such app' })
  @ApiOkResponse({ type: AppResponse })
  get(@Param('id', ParseRowIdPipe) id: number): Promise<AppView> {
    return this.apps.get(id);
  }

  @Patch(':id')
  @ApiErrors({ 400: [INVALID.id, INVALID.body], 404: 'No such app', ...BODY_ERRORS })
  @ApiOkResponse({ type: AppResponse, description: 'Lists given replace the current ones' })
  async update(@Param('id', ParseRowIdPipe) id: number, @Body() body: UpdateAppDto): Promise<AppView> {
    const { slowModeSeconds, ...changes } = body;
    const app = await this.apps.update(id, changes);
    // Slow mode is the lobby's: a change is recorded in the moderation log and told to the lobby.
    if (slowModeSeconds === undefined) return app;
    await this.moderation.setAppSlowMode(id, slowModeSeconds);
    return this.apps.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiErrors({ 400: [INVALID.id, INVALID.noBody], 404: 'No such app', ...BODY_ERRORS })
  @ApiNoContentResponse({
    description:
      "Deleted with its staff and its lobby: messages, mutes, settings, moderation log. The lobby's live sockets " +
      'are disconnected on every instance; their next `auth` hears `app_not_found` (docs/rest-api.md)',
  })
  async remove(@Param('id', ParseRowIdPipe) id: number, @Body() _body: NoBody): Promise<void> {
    const { lobbyChatId } = await this.apps.remove(id);
    if (lobbyChatId !== null) this.lobby.closed(lobbyChatId);
  }

  @Get(':id/moderation')
  @ApiErrors({ 400: [INVALID.id, INVALID.query], 404: 'No such app' })
  @ApiOkResponse({
    type: [ModerationEntryResponse],
    description: "The lobby's moderation log, oldest first: entries with an id above `after`, at most `limit`",
  })
  async moderationLog(
    @Param('id', ParseRowIdPipe) id: number,
    @Query() page: PaginationQuery,
  ): Promise<ModerationRecord[]> {
    await this.apps.get(id);
    return this.log.list(id, page.limit, page.after);
  }

  @Get(':id/messages')
  @ApiErrors({ 400: [INVALID.id, INVALID.query], 404: 'No such app' })
  @ApiOkResponse({ type: [LobbyMessageResponse], description: "The lobby's last messages, oldest first" })
  async history(@Param('id', ParseRowIdPipe) id: number, @Query() page: LimitQuery): Promise<LobbyMessage[]> {
    await this.apps.get(id);
    return this.lobby.history(id, page.limit);
  }

  @Delete(':id/messages/:messageId')
  @HttpCode(204)
  @ApiErrors({ 400: [INVALID.id, INVALID.noBody], 404: 'No such app, or no such message in its lobby', ...BODY_ERRORS })
  @ApiNoContentResponse({
    description: 'Deleted for everyone: `message_deleted {id}` goes to the lobby, later joins no longer see it',
  })
  async removeMessage(
    @Param('id', ParseRowIdPipe) id: number,
    @Param('messageId', ParseRowIdPipe) messageId: number,
    @Body() _body: NoBody,
  ): Promise<void> {
    if (!(await this.moderation.deleteFromApp(id, messageId))) {
      throw new NotFoundException(`no message ${messageId} in the lobby of app ${id}`);
    }
  }
}
