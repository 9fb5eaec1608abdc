import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      admin: { token: null },
      database: {
        connection: { kind: 'sqlite', path: './data/chatgate.sqlite' },
        runMigrations: true,
        startTimeoutMs: 10_000,
        startRetries: 3,
        writeTimeoutMs: 5000,
        sqliteBusyTimeoutMs: 20,
        sqliteCheckpointIntervalMs: 1000,
        sqliteWalMaxPages: 10_000,
        postgresConnectTimeoutMs: 5000,
        postgresStatementTimeoutMs: 5000,
        postgresQueryTimeoutMs: 7000,
        storageCheckIntervalMs: 1000,
      },
      http: {
        port: 3000,
        host: '0.0.0.0',
        corsOrigins: ['*'],
        headersTimeoutMs: 10_000,
        requestTimeoutMs: 30_000,
        keepAliveTimeoutMs: 5000,
      },
      lobby: {
        historySize: 250,
        messageMax: 140,
        pendingSessionsPerIp: 20,
        rateMessages: 5,
        rateWindowMs: 5000,
        staffRateMessages: 100,
        staffRateWindowMs: 30_000,
        blockedWordsMax: 500,
        blockedWordMaxLength: 64,
      },
      seller: {
        wsPath: '/seller',
        pingIntervalMs: 30_000,
        maxFrameBytes: 16_384,
        rateMessages: 10,
        rateWindowMs: 5000,
        messageMax: 2000,
        authChats: 100,
        authMessagesPerChat: 100,
        unansweredAfterMs: 180_000,
      },
      recovery: { maxMessages: 2000, windowMs: 3_600_000 },
      connections: {
        authDeadlineMs: 10_000,
        queueMax: 100,
        lateDeliveryWindowMs: 10_000,
        outgoingBufferMaxBytes: 1_048_576,
      },
      limits: {
        trustedProxies: [],
        ipv6LimitPrefix: 64,
        maxSocketsPerUser: 20,
        maxSocketsPerIp: 200,
        maxSocketsTotal: 10_000,
        authConcurrency: 64,
        authQueueMax: 20_000,
        authFailuresPerIp: 20,
        authFailureWindowMs: 60_000,
        authThrottleDelayMs: 1000,
        nameAuthsPerIp: 30,
        nameAuthWindowMs: 600_000,
      },
      cluster: { redisUrl: null, redisKeyPrefix: 'chatgate:', busRepairMaxMessages: 1000, presenceTtlMs: 30_000 },
      operations: { logFormat: 'text', logLevel: 'log', metricsToken: null, shutdownDrainMs: 1000 },
      userDirectory: { url: null, timeoutMs: 3000, cacheTtlMs: 0 },
      cache: { maxEntries: 10_000, ttlMs: 60_000 },
      webhooks: {
        timeoutMs: 10_000,
        retryBaseMs: 10_000,
        retryMaxDelayMs: 3_600_000,
        retryForMs: 86_400_000,
        pollIntervalMs: 1000,
        concurrency: 10,
        allowPrivate: false,
        retentionMs: 604_800_000,
      },
      demo: { enabled: true },
    });
  });

  it('logs JSON by default in production', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).operations.logFormat).toBe('json');
    expect(loadConfig({ NODE_ENV: 'production', LOG_FORMAT: 'text' }).operations.logFormat).toBe('text');
  });

  it('turns the demo on by default only for an SQLite file outside production, and DEMO decides otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).demo.enabled).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).demo.enabled).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/chat' }).demo.enabled).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/chat', DEMO: 'true' }).demo.enabled).toBe(true);
    expect(loadConfig({ DEMO: 'false' }).demo.enabled).toBe(false);
  });

  it('joins instances through Redis on PostgreSQL only', () => {
    expect(
      loadConfig({ REDIS_URL: 'redis://:pw@redis:6379/2', DATABASE_URL: 'postgres://u@db/chat' }).cluster,
    ).toMatchObject({
      redisUrl: 'redis://:pw@redis:6379/2',
      redisKeyPrefix: 'chatgate:',
    });
  });

  it('reads TRUSTED_PROXIES as addresses, CIDR ranges and named ranges', () => {
    expect(
      loadConfig({ TRUSTED_PROXIES: ' 10.0.0.5, 172.28.0.0/16 ,fd00::/8,::1,loopback' }).limits.trustedProxies,
    ).toEqual(['10.0.0.5', '172.28.0.0/16', 'fd00::/8', '::1', 'loopback']);
  });

  it('selects the database by URL scheme', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).database.connection).toEqual({
      kind: 'sqlite',
      path: ':memory:',
    });
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/chat' }).database.connection).toEqual({
      kind: 'postgres',
      url: 'postgres://u@db:5432/chat',
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'Invalid configuration: PORT must be a whole number from 0 to 65535 (got "abc")'],
    [{ PORT: '70000' }, 'Invalid configuration: PORT must be a whole number from 0 to 65535 (got "70000")'],
    [{ DATABASE_URL: 'mysql://x' }, 'Invalid configuration: DATABASE_URL must start with "sqlite:" or "postgres://"'],
    [
      { LOBBY_MESSAGE_MAX: '0' },
      'Invalid configuration: LOBBY_MESSAGE_MAX must be a whole number from 1 to 10000 (got "0")',
    ],
    [
      { LOBBY_PENDING_SESSIONS_PER_IP: '0' },
      'Invalid configuration: LOBBY_PENDING_SESSIONS_PER_IP must be a whole number from 1 to 100000 (got "0")',
    ],
    [{ ADMIN_TOKEN: 'short' }, 'Invalid configuration: ADMIN_TOKEN must be at least 16 characters long'],
    [
      { USER_DIRECTORY_URL: 'ftp://x' },
      'Invalid configuration: USER_DIRECTORY_URL must be an http(s) URL (got "ftp://x")',
    ],
    [
      { CACHE_TTL_MS: '-1' },
      'Invalid configuration: CACHE_TTL_MS must be a whole number from 0 to 86400000 (got "-1")',
    ],
    [
      { CACHE_MAX_ENTRIES: 'many' },
      'Invalid configuration: CACHE_MAX_ENTRIES must be a whole number from 0 to 10000000 (got "many")',
    ],
    [
      { USER_DIRECTORY_CACHE_TTL_MS: '86400001' },
      'Invalid configuration: USER_DIRECTORY_CACHE_TTL_MS must be a whole number from 0 to 86400000 (got "86400001")',
    ],
    [
      { TRUSTED_PROXIES: '10.0.0.1, nginx, 10.0.0.0/33, toString' },
      'Invalid configuration: TRUSTED_PROXIES must list IP addresses, CIDR ranges or loopback / linklocal / uniquelocal (not "nginx", "10.0.0.0/33", "toString")',
    ],
    [
      { IPV6_LIMIT_PREFIX: '129' },
      'Invalid configuration: IPV6_LIMIT_PREFIX must be a whole number from 1 to 128 (got "129")',
    ],
    [{ RUN_MIGRATIONS: 'maybe' }, 'Invalid configuration: RUN_MIGRATIONS must be true or false (got "maybe")'],
    [
      { SELLER_WS_PATH: '/socket.io/x' },
      'Invalid configuration: SELLER_WS_PATH must be a URL path such as /seller, outside /socket.io (got "/socket.io/x")',
    ],
    [
      { SELLER_WS_PATH: 'seller' },
      'Invalid configuration: SELLER_WS_PATH must be a URL path such as /seller, outside /socket.io (got "seller")',
    ],
    [
      { LOG_LEVEL: 'loud' },
      'Invalid configuration: LOG_LEVEL must be one of error, warn, log, debug, verbose (got "loud")',
    ],
    [
      { REDIS_URL: 'http://redis:6379', DATABASE_URL: 'postgres://u@db/chat' },
      'Invalid configuration: REDIS_URL must be a redis:// or rediss:// URL',
    ],
    [
      { REDIS_URL: 'redis://redis:6379' },
      'Invalid configuration: REDIS_URL joins several instances, which needs PostgreSQL: set DATABASE_URL to a postgres:// URL',
    ],
  ])('rejects %o naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('names every invalid setting at once, in one error', () => {
    const env = { PORT: 'eighty', LOG_LEVEL: 'loud', ADMIN_TOKEN: 'short', DATABASE_URL: 'mysql://db' };
    let error: unknown;
    try {
      loadConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable)).toEqual([
      'ADMIN_TOKEN',
      'DATABASE_URL',
      'PORT',
      'LOG_LEVEL',
    ]);
    expect((error as ConfigError).message).toBe(
      'Invalid configuration: ADMIN_TOKEN must be at least 16 characters long; ' +
        'DATABASE_URL must start with "sqlite:" or "postgres://"; ' +
        'PORT must be a whole number from 0 to 65535 (got "eighty"); ' +
        'LOG_LEVEL must be one of error, warn, log, debug, verbose (got "loud")',
    );
  });
});
