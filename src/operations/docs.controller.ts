import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { projectRoot } from '../common/project-root.js';

/** The AsyncAPI 3 description of both socket protocols, served beside the OpenAPI one (`/docs`). */
@ApiExcludeController()
@Controller('docs')
export class DocsController {
  private readonly asyncApi = readFileSync(join(projectRoot(), 'docs', 'asyncapi.yaml'), 'utf8');

  @Get('asyncapi.yaml')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  asyncApiDocument(): string {
    return this.asyncApi;
  }
}
