import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SellerChatService } from '../seller/seller-chat.service.js';
import { ChatUsersService, type SellerView } from '../chats/chat-users.service.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ApiErrorResponses, ApiErrors, BODY_ERRORS, INVALID } from './api-error-responses.js';
import {
  CreatedSellerResponse,
  CreateSellerDto,
  SellerChatResponse,
  SellerMessageResponse,
  SellerResponse,
  SellerTokenResponse,
  UpdateSellerDto,
} from './dto/sellers.dto.js';
import { NoBody } from './dto/no-body.dto.js';
import { PaginationQuery } from './dto/pagination.dto.js';
import { ParseRowIdPipe } from './parse-row-id.pipe.js';

@ApiTags('sellers')
@ApiBearerAuth()
@ApiErrorResponses()
@UseGuards(AdminTokenGuard)
@Controller('api/sellers')
export class SellersController {
  constructor(
    private readonly users: ChatUsersService,
    private readonly sellerChat: SellerChatService,
  ) {}

  @Post()
  @ApiErrors({ 400: [INVALID.body], ...BODY_ERRORS })
  @ApiCreatedResponse({ type: CreatedSellerResponse })
  create(@Body() body: CreateSellerDto): Promise<CreatedSellerResponse> {
    return this.users.createSeller(body.name, body.offlineMessages);
  }

  @Get()
  @ApiErrors({ 400: [INVALID.query] })
  @ApiOkResponse({ type: [SellerResponse] })
  list(@Query() page: PaginationQuery): Promise<SellerView[]> {
    return this.users.listSellers(page.limit, page.after);
  }

  @Get(':id')
  @ApiErrors({ 400: [INVALID.id], 404: 'No such seller' })
  @ApiOkResponse({ type: SellerResponse })
  get(@Param('id', ParseRowIdPipe) id: number): Promise<SellerView> {
    return this.users.getSeller(id);
  }

  @Patch(':id')
  @ApiErrors({ 400: [INVALID.id, INVALID.body], 404: 'No such seller', ...BODY_ERRORS })
  @ApiOkResponse({ type: SellerResponse, description: 'Fields given replace the current ones' })
  update(@Param('id', ParseRowIdPipe) id: number, @Body() body: UpdateSellerDto): Promise<SellerView> {
    return this.users.updateSeller(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiErrors({ 400: [INVALID.id, INVALID.noBody], 404: 'No such seller', ...BODY_ERRORS })
  @ApiNoContentResponse({
    description:
      'Deleted with its tokens, its chats and their messages, and its clients left with no other chat. The live ' +
      'connections of the seller and of its clients are closed on every instance (docs/rest-api.md)',
  })
  remove(@Param('id', ParseRowIdPipe) id: number, @Body() _body: NoBody): Promise<void> {
    return this.users.deleteSeller(id);
  }

  @Post(':id/tokens')
  @ApiErrors({ 400: [INVALID.id, INVALID.noBody], 404: 'No such seller', ...BODY_ERRORS })
  @ApiCreatedResponse({ type: SellerTokenResponse })
  async rotateToken(@Param('id', ParseRowIdPipe) id: number, @Body() _body: NoBody): Promise<SellerTokenResponse> {
    return { token: await this.users.rotateSellerToken(id) };
  }

  @Get(':id/chats')
  @ApiErrors({ 400: [INVALID.id], 404: 'No such seller' })
  @ApiOkResponse({ type: [SellerChatResponse] })
  chats(@Param('id', ParseRowIdPipe) id: number): Promise<SellerChatResponse[]> {
    return this.sellerChat.chatsOfSeller(id);
  }

  @Get(':id/chats/:chatId/messages')
  @ApiErrors({ 400: [INVALID.id], 404: 'No such seller, or no such chat of theirs' })
  @ApiOkResponse({ type: [SellerMessageResponse] })
  messages(
    @Param('id', ParseRowIdPipe) id: number,
    @Param('chatId', ParseRowIdPipe) chatId: number,
  ): Promise<SellerMessageResponse[]> {
    return this.sellerChat.historyOf(id, chatId);
  }
}
