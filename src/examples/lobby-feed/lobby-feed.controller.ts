import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, Param, ParseIntPipe, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Refusal } from '../../common/refusal.js';
import { SseStreams } from '../../realtime/transports/sse-streams.js';
import { LobbyFeed } from './lobby-feed.js';

/**
 * A worked example of a gateway on another transport (docs/development.md, "Adding a gateway"): a read-only
 * Server-Sent-Events feed of one lobby, `GET /examples/lobby-feed/:appId`, each lobby broadcast an event of the
 * same name with its payload as JSON. Its protections are the transport's and the connection core's, none written
 * here: the origin allowlist and connection caps at the handshake, the outgoing bound, the heartbeat.
 */
@ApiExcludeController()
@Controller('examples/lobby-feed')
export class LobbyFeedController {
  constructor(
    private readonly streams: SseStreams,
    private readonly feed: LobbyFeed,
  ) {}

  @Get(':appId')
  async follow(
    @Param('appId', ParseIntPipe) appId: number,
    @Req() request: IncomingMessage,
    @Res() response: ServerResponse,
  ): Promise<void> {
    const stream = await this.streams.admit(request, response, { name: 'lobby-feed' });
    if (!stream) return;
    let chatId: number;
    try {
      chatId = await this.feed.lobbyOf(appId, request.headers.origin);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      return stream.refuse(404, error.code);
    }
    await this.feed.follow(chatId, stream);
  }
}
