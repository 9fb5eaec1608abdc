import { Body, Controller, Get, Param, ParseIntPipe, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SellerChatService } from '../seller/seller-chat.service.js';
import { ChatUsersService, type SellerView } from '../users/chat-users.service.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ApiErrorResponses } from './api-error-responses.js';
import {
  CreatedSellerResponse,
  CreateSellerDto,
  SellerChatResponse,
  SellerMessageResponse,
  SellerResponse,
  SellerTokenResponse,
  UpdateSellerDto,
} from './dto/sellers.dto.js';

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
  @ApiCreatedResponse({ type: CreatedSellerResponse })
  create(@Body() body: CreateSellerDto): Promise<CreatedSellerResponse> {
    return this.users.createSeller(body.name, body.offlineMessages);
  }

  @Get(':id')
  @ApiOkResponse({ type: SellerResponse })
  get(@Param('id', ParseIntPipe) id: number): Promise<SellerView> {
    return this.users.getSeller(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: SellerResponse, description: 'Fields given replace the current ones' })
  update(@Param('id', ParseIntPipe) id: number, @Body() body: UpdateSellerDto): Promise<SellerView> {
    return this.users.updateSeller(id, body);
  }

  @Post(':id/tokens')
  @ApiCreatedResponse({ type: SellerTokenResponse })
  async rotateToken(@Param('id', ParseIntPipe) id: number): Promise<SellerTokenResponse> {
    return { token: await this.users.rotateSellerToken(id) };
  }

  @Get(':id/chats')
  @ApiOkResponse({ type: [SellerChatResponse] })
  chats(@Param('id', ParseIntPipe) id: number): Promise<SellerChatResponse[]> {
    return this.sellerChat.chatsOfSeller(id);
  }

  @Get(':id/chats/:chatId/messages')
  @ApiOkResponse({ type: [SellerMessageResponse] })
  messages(
    @Param('id', ParseIntPipe) id: number,
    @Param('chatId', ParseIntPipe) chatId: number,
  ): Promise<SellerMessageResponse[]> {
    return this.sellerChat.historyOf(id, chatId);
  }
}
