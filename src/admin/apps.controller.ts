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
import { LobbyService } from '../lobby/lobby.service.js';
import type { LobbyMessage } from '../lobby/lobby.types.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { AppResponse, CreateAppDto, LobbyMessageResponse, UpdateAppDto } from './dto/apps.dto.js';
import { LimitQuery, PaginationQuery } from './dto/pagination.dto.js';
import { ApiErrorResponses } from './api-error-responses.js';
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
  ) {}

  @Post()
  @ApiCreatedResponse({ type: AppResponse })
  create(@Body() body: CreateAppDto): Promise<AppView> {
    return this.apps.create(body.name, body.owners, body.mods, body.origins);
  }

  @Get()
  @ApiOkResponse({ type: [AppResponse] })
  list(@Query() page: PaginationQuery): Promise<AppView[]> {
    return this.apps.list(page.limit, page.after);
  }

  @Get(':id')
  @ApiOkResponse({ type: AppResponse })
  get(@Param('id', ParseRowIdPipe) id: number): Promise<AppView> {
    return this.apps.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: AppResponse, description: 'Lists given replace the current ones' })
  update(@Param('id', ParseRowIdPipe) id: number, @Body() body: UpdateAppDto): Promise<AppView> {
    return this.apps.update(id, body);
  }

  @Get(':id/messages')
  @ApiOkResponse({ type: [LobbyMessageResponse], description: "The lobby's last messages, oldest first" })
  async history(@Param('id', ParseRowIdPipe) id: number, @Query() page: LimitQuery): Promise<LobbyMessage[]> {
    await this.apps.get(id);
    return this.lobby.history(id, page.limit);
  }

  @Delete(':id/messages/:messageId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted; later joins no longer see it in history' })
  async removeMessage(
    @Param('id', ParseRowIdPipe) id: number,
    @Param('messageId', ParseRowIdPipe) messageId: number,
  ): Promise<void> {
    if (!(await this.lobby.removeMessage(id, messageId))) {
      throw new NotFoundException(`no message ${messageId} in the lobby of app ${id}`);
    }
  }
}
