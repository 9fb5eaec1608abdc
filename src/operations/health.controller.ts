import { Controller, Get, Optional } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { StorageHealth } from '../database/storage-health.js';
import { RedisConnections } from '../realtime/redis/redis-connections.js';
import { ShutdownState } from './shutdown-state.js';

const CHECK_TIMEOUT_MS = 1500;

/** Liveness and readiness for orchestrators and load balancers. Unauthenticated: they reveal no data. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly shutdown: ShutdownState,
    private readonly storage: StorageHealth,
    @Optional() private readonly redis?: RedisConnections,
  ) {}

  /** The process answers: restart it only when this fails. */
  @Get('live')
  @HealthCheck()
  @ApiOkResponse({ description: '`{"status": "ok"}`' })
  live() {
    return this.health.check([]);
  }

  /**
   * Send it traffic: the database (and Redis, when configured) answer, the SQLite file is the one opened and writable,
   * and it is not shutting down.
   */
  @Get('ready')
  @HealthCheck()
  @ApiOkResponse({ description: 'Every check is up' })
  @ApiServiceUnavailableResponse({ description: 'A check is down, or the instance is shutting down' })
  ready() {
    return this.health.check([
      () => {
        const session = this.indicators.check('lifecycle');
        return this.shutdown.isDraining ? session.down('shutting down') : session.up();
      },
      () => this.database.pingCheck('database').withTimeout(CHECK_TIMEOUT_MS),
      () => {
        // The SQLite file deleted, replaced or read-only: pings still answer (the file is open), writes must not.
        const storage = this.indicators.check('storage');
        return this.storage.ready ? storage.up() : storage.down(this.storage.problem ?? 'not ready');
      },
      ...(this.redis
        ? [
            () =>
              this.indicators
                .check('redis')
                .attempt(async () => void (await this.redis?.get('commands').ping()))
                .withTimeout(CHECK_TIMEOUT_MS),
          ]
        : []),
    ]);
  }
}
