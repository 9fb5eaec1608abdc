import { Controller, Get, Header, Headers, Inject, UnauthorizedException } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { timingSafeEqual, createHash } from 'node:crypto';
import { operationsSettings } from '../config/areas/operations.settings.js';
import { Metrics } from './metrics.js';

/** Prometheus text format. Behind `Authorization: Bearer $METRICS_TOKEN` when that is set. */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  private readonly expected: Buffer | null;

  constructor(
    private readonly metrics: Metrics,
    @Inject(operationsSettings.KEY) operations: ConfigType<typeof operationsSettings>,
  ) {
    this.expected = operations.metricsToken === null ? null : digest(operations.metricsToken);
  }

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOkResponse({ description: 'Prometheus text exposition format' })
  @ApiUnauthorizedResponse({ description: 'METRICS_TOKEN is set and the bearer token is missing or wrong' })
  scrape(@Headers('authorization') authorization?: string): Promise<string> {
    if (this.expected) {
      const presented = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
      if (!presented || !timingSafeEqual(digest(presented), this.expected))
        throw new UnauthorizedException('Missing or wrong metrics token');
    }
    return this.metrics.registry.metrics();
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
