import { Controller, Get, Header, NotFoundException, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { loadPublicFiles, sendPublicFile } from '../web/public-files.js';
import { type DemoCredentials, DemoService } from './demo.service.js';

/** The demo page and its credentials: 404 unless demo mode set the demo up. */
@ApiExcludeController()
@Controller()
export class DemoController {
  private readonly files = loadPublicFiles(['index.html', 'demo.js', 'demo.css']);

  constructor(private readonly demo: DemoService) {}

  @Get()
  page(@Res() res: Response): void {
    this.send(res, 'index.html');
  }

  @Get('demo/config.json')
  @Header('Cache-Control', 'no-store')
  credentials(): DemoCredentials {
    return this.require();
  }

  @Get('demo.js')
  script(@Res() res: Response): void {
    this.send(res, 'demo.js');
  }

  @Get('demo.css')
  style(@Res() res: Response): void {
    this.send(res, 'demo.css');
  }

  private send(res: Response, name: string): void {
    this.require();
    sendPublicFile(res, name, this.files.get(name)!);
  }

  private require(): DemoCredentials {
    const credentials = this.demo.credentials;
    if (!credentials) throw new NotFoundException('the demo is off (DEMO setting)');
    return credentials;
  }
}
