import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { lobbySettings } from '../config/areas/lobby.settings.js';
import { sellerSettings } from '../config/areas/seller.settings.js';
import { loadPublicFiles, sendPublicFile } from './public-files.js';

/** What a widget needs to know about this server before it connects. */
export interface WidgetConfig {
  lobbyMessageMax: number;
  sellerWsPath: string;
  sellerMaxFrameBytes: number;
}

/**
 * The embeddable widgets. Any site may load them and their settings (a site's CSP or `crossorigin` attribute
 * may ask for CORS), whatever CORS_ORIGINS allows for the sockets and the API.
 */
@ApiExcludeController()
@Controller('widgets')
export class WidgetsController {
  private readonly files = loadPublicFiles([
    'widgets/lobby.js',
    'widgets/seller-chat.js',
    'widgets/transcript.js',
    'widgets/widgets.css',
  ]);

  constructor(
    @Inject(lobbySettings.KEY) private readonly lobby: ConfigType<typeof lobbySettings>,
    @Inject(sellerSettings.KEY) private readonly seller: ConfigType<typeof sellerSettings>,
  ) {}

  @Get('config.json')
  widgetConfig(@Res({ passthrough: true }) res: Response): WidgetConfig {
    crossOrigin(res);
    return {
      lobbyMessageMax: this.lobby.messageMax,
      sellerWsPath: this.seller.wsPath,
      sellerMaxFrameBytes: this.seller.maxFrameBytes,
    };
  }

  @Get(':file')
  widget(@Param('file') file: string, @Res() res: Response): void {
    const body = this.files.get(`widgets/${file}`);
    if (!body) throw new NotFoundException(`no widget file ${file}`);
    crossOrigin(res);
    sendPublicFile(res, file, body);
  }
}

function crossOrigin(res: Response): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
}
