import { ConfigError, type Env, SettingsReader, type SettingShape } from './settings-reader.js';

export { ConfigError, type SettingShape } from './settings-reader.js';

/**
 * The whole runtime configuration, read once from the environment and validated before anything starts.
 * It is a plain object handed to `AppModule.forRoot`, so tests build apps from explicit values instead of
 * mutating `process.env`.
 */
export type DatabaseConfig =
  | { kind: 'sqlite'; path: string } // path is ':memory:' for an in-memory database
  | { kind: 'postgres'; url: string };

export class AppConfig {
  readonly port: number;
  readonly host: string;
  readonly database: DatabaseConfig;
  readonly runMigrations: boolean;
  /** Bearer token of the provisioning API; null keeps the API closed. */
  readonly adminToken: string | null;
  readonly lobbyHistorySize: number;
  readonly lobbyMessageMax: number;
  /** Engine.IO sessions one client address may hold before their clients send anything; more are refused. */
  readonly lobbyPendingSessionsPerIp: number;
  /** Allowed browser origins for socket.io polling and the REST API; ['*'] allows any. */
  readonly corsOrigins: string[];
  /** Path of the seller chat's raw WebSocket on the shared port. */
  readonly sellerWsPath: string;
  readonly sellerPingIntervalMs: number;
  /** Larger seller-chat frames close the connection. */
  readonly sellerMaxFrameBytes: number;
  /** How long presence entries of an instance that stopped renewing its lease survive. */
  readonly presenceTtlMs: number;
  /** Requests one connection may have waiting; more close the connection. */
  readonly connectionQueueMax: number;
  /**
   * How long a connection remembers the message ids of the history it was sent, to drop late duplicates; and how long
   * an instance drops late live copies of what a bus repair delivered.
   */
  readonly lateDeliveryWindowMs: number;
  /** Joins instances: the delivery bus and presence go through this Redis when set (redis:// or rediss://). */
  readonly redisUrl: string | null;
  /** Prefix of every Redis key and channel, so several deployments (or test runs) can share one Redis. */
  readonly redisKeyPrefix: string;
  /** Most messages one room's repair reads back after a lost link to Redis (the newest of them); 0: no repair. */
  readonly busRepairMaxMessages: number;
  /** Operations: log format, the bearer token of /metrics (null: open), how long readiness is false before closing. */
  readonly logFormat: 'json' | 'text';
  readonly metricsToken: string | null;
  readonly shutdownDrainMs: number;
  readonly userDirectoryUrl: string | null;
  readonly userDirectoryTimeoutMs: number;
  /** With USER_DIRECTORY_URL: how long its answers are reused (it announces no changes); 0 asks every time. */
  readonly userDirectoryCacheTtlMs: number;
  /**
   * Facts kept in memory instead of read per socket or per message (apps, token holders, lobby mute lists):
   * at most this many of each kind, each at most `cacheTtlMs` old. Changes reach every instance at once through
   * the delivery bus; the age bound is for an announcement lost between instances.
   */
  readonly cacheMaxEntries: number;
  readonly cacheTtlMs: number;
  readonly logLevel: LogLevel;
  /** Seed and serve the demo (page at /, demo credentials at /demo/config.json). */
  readonly demo: boolean;

  // Security and limits (docs/security.md, docs/configuration.md "Limits"): what a hostile or broken client may cost the server.
  /** Bytes one connection may have queued for sending; past it the connection is dropped (a reader that stopped). */
  readonly outgoingBufferMaxBytes: number;
  /** How long a connection may stay without a successful auth before it is closed. */
  readonly authDeadlineMs: number;
  /** HTTP: time to receive a request's headers, the whole request, and how long an idle keep-alive connection lives. */
  readonly httpHeadersTimeoutMs: number;
  readonly httpRequestTimeoutMs: number;
  readonly httpKeepAliveTimeoutMs: number;
  /** Lobby messages (and commands) one user may send per window; more get a system_message and are dropped. */
  readonly lobbyRateMessages: number;
  readonly lobbyRateWindowMs: number;
  /** The same for a lobby's staff (owner, admin, mod), whose commands count too: a wave of spam takes many. */
  readonly lobbyStaffRateMessages: number;
  readonly lobbyStaffRateWindowMs: number;
  /** Bounds of an app's lobby word filter: how many blocked words, and the longest one in code points. */
  readonly lobbyBlockedWordsMax: number;
  readonly lobbyBlockedWordMaxLength: number;
  /** Seller-chat messages one user may send per window; more are answered RATE_LIMITED and not stored. */
  readonly sellerRateMessages: number;
  readonly sellerRateWindowMs: number;
  /** Longest seller-chat message, in Unicode code points; longer ones are answered TEXT_IS_TOO_LONG. */
  readonly sellerMessageMax: number;
  /** A seller's auth reply holds its newest chats and each chat's newest messages, not whole histories. */
  readonly sellerAuthChats: number;
  readonly sellerAuthMessagesPerChat: number;
  /**
   * Catching up after a reconnect (docs/recovery.md): an `auth` with `since` gets at most this many messages per lobby
   * or chat, none older than the window; past either it is told `recovered: false`.
   */
  readonly recoveryMaxMessages: number;
  readonly recoveryWindowMs: number;
  /** Auths one instance works on at once (both protocols); later ones wait in a queue of at most `authQueueMax`. */
  readonly authConcurrency: number;
  readonly authQueueMax: number;
  /**
   * Peers allowed to name the client in X-Forwarded-For (addresses, CIDR ranges, or loopback / linklocal /
   * uniquelocal); empty: every peer is the client. See ClientAddresses.
   */
  readonly trustedProxies: string[];
  /** Per-address limits count an IPv6 client by its network of this prefix length. */
  readonly ipv6LimitPrefix: number;
  /** Open connections (both protocols together): per authenticated user, per client IP, and in total. */
  readonly maxSocketsPerUser: number;
  readonly maxSocketsPerIp: number;
  readonly maxSocketsTotal: number;
  /**
   * Failed auths (unknown tokens) one IP may make per window; after that its unknown tokens are refused (not
   * read as anonymous) until the window ends, while valid tokens are still accepted.
   */
  readonly authFailuresPerIp: number;
  readonly authFailureWindowMs: number;
  /** How long each of those refusals is held back, so one connection cannot have tokens looked up at its own pace. */
  readonly authThrottleDelayMs: number;
  /** Seller-chat name-auths (each creates a client) one IP may make per window. */
  readonly nameAuthsPerIp: number;
  readonly nameAuthWindowMs: number;

  // Storage faults (docs/operations.md, "Storage faults"): every wait on the database is bounded.
  /** How long opening the database (all attempts, migrations included) may take before the process exits. */
  readonly databaseStartTimeoutMs: number;
  /** Further attempts to open the database after a transient failure (refused, timed out); permanent ones get none. */
  readonly databaseStartRetries: number;
  /** How long a message write may wait for the SQLite write lock before its writers get the protocol's error. */
  readonly databaseWriteTimeoutMs: number;
  /** How long one SQLite statement may block the event loop waiting for a lock before it yields and retries. */
  readonly sqliteBusyTimeoutMs: number;
  /** How often a worker thread checkpoints SQLite's write-ahead log (sqlite-checkpointer.ts); 0 leaves it to SQLite. */
  readonly sqliteCheckpointIntervalMs: number;
  /** With the checkpoint thread: the log's size in pages past which the server's own commit checkpoints it too. */
  readonly sqliteWalMaxPages: number;
  /** PostgreSQL: connecting, one statement on the server, and one query's round trip from here. */
  readonly postgresConnectTimeoutMs: number;
  readonly postgresStatementTimeoutMs: number;
  readonly postgresQueryTimeoutMs: number;
  /** How often the SQLite file's identity and writability are checked (see StorageHealth). */
  readonly storageCheckIntervalMs: number;

  // Webhooks (docs/webhooks.md): every attempt and the retries of an event are bounded.
  /** One attempt: resolving, connecting, sending and the answer's status line. */
  readonly webhookTimeoutMs: number;
  /** The first retry's delay; each later one doubles, up to the maximum, with jitter. */
  readonly webhookRetryBaseMs: number;
  readonly webhookRetryMaxDelayMs: number;
  /** How long after its event a delivery is retried before it is marked failed. */
  readonly webhookRetryForMs: number;
  /** How often each instance looks for events to fan out and deliveries that are due. */
  readonly webhookPollIntervalMs: number;
  /** Attempts one instance has in flight at once. */
  readonly webhookConcurrency: number;
  /** Lets endpoints resolve to loopback, private and link-local addresses (refused by default). */
  readonly webhookAllowPrivate: boolean;
  /** A client's message neither answered nor read by its seller this long raises `seller.message.unanswered`. */
  readonly unansweredAfterMs: number;
}

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_DATABASE_URL = 'sqlite:./data/chatgate.sqlite';

/**
 * Reads the settings from `env`; throws one ConfigError naming every invalid setting, not only the first.
 * `observe` is told of every setting as it is read (see `settingShapes`).
 */
export function loadConfig(env: Env, observe?: (shape: SettingShape) => void): AppConfig {
  const read = new SettingsReader(env, observe);
  let adminToken = read.optional('ADMIN_TOKEN');
  if (adminToken !== null && adminToken.length < 16) {
    adminToken = read.invalid('ADMIN_TOKEN', 'must be at least 16 characters long', null);
  }
  const database = read.parsed(
    () => parseDatabaseUrl(read.text('DATABASE_URL', DEFAULT_DATABASE_URL)),
    parseDatabaseUrl(DEFAULT_DATABASE_URL),
  );
  // By default only where a newcomer runs it: an SQLite file outside production. DEMO=true/false decides otherwise.
  const demoByDefault =
    database.kind === 'sqlite' && database.path !== ':memory:' && read.optional('NODE_ENV') !== 'production';
  const config: AppConfig = {
    port: read.integer('PORT', 3000, 0, 65535),
    host: read.text('HOST', '0.0.0.0'),
    database,
    runMigrations: read.boolean('RUN_MIGRATIONS', true),
    adminToken,
    lobbyHistorySize: read.integer('LOBBY_HISTORY_SIZE', 250, 0, 10_000),
    lobbyMessageMax: read.integer('LOBBY_MESSAGE_MAX', 140, 1, 10_000),
    lobbyPendingSessionsPerIp: read.integer('LOBBY_PENDING_SESSIONS_PER_IP', 20, 1, 100_000),
    corsOrigins: read
      .text('CORS_ORIGINS', '*')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    sellerWsPath: read.wsPath('SELLER_WS_PATH', '/seller'),
    sellerPingIntervalMs: read.integer('SELLER_PING_INTERVAL_MS', 30_000, 100, 3_600_000),
    sellerMaxFrameBytes: read.integer('SELLER_MAX_FRAME_BYTES', 16 * 1024, 256, 16 * 1024 * 1024),
    presenceTtlMs: read.integer('PRESENCE_TTL_MS', 30_000, 1000, 3_600_000),
    connectionQueueMax: read.integer('CONNECTION_QUEUE_MAX', 100, 1, 100_000),
    lateDeliveryWindowMs: read.integer('LATE_DELIVERY_WINDOW_MS', 10_000, 0, 600_000),
    redisUrl: read.redisUrl('REDIS_URL'),
    redisKeyPrefix: read.text('REDIS_KEY_PREFIX', 'chatgate:'),
    busRepairMaxMessages: read.integer('BUS_REPAIR_MAX_MESSAGES', 1000, 0, 100_000),
    logFormat: read.oneOf(
      'LOG_FORMAT',
      ['json', 'text'] as const,
      read.optional('NODE_ENV') === 'production' ? 'json' : 'text',
    ),
    metricsToken: read.optional('METRICS_TOKEN'),
    shutdownDrainMs: read.integer('SHUTDOWN_DRAIN_MS', 1000, 0, 60_000),
    userDirectoryUrl: read.url('USER_DIRECTORY_URL'),
    userDirectoryTimeoutMs: read.integer('USER_DIRECTORY_TIMEOUT_MS', 3000, 1, 60_000),
    userDirectoryCacheTtlMs: read.integer('USER_DIRECTORY_CACHE_TTL_MS', 0, 0, 86_400_000),
    cacheMaxEntries: read.integer('CACHE_MAX_ENTRIES', 10_000, 0, 10_000_000),
    cacheTtlMs: read.integer('CACHE_TTL_MS', 60_000, 0, 86_400_000),
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'log'),
    demo: read.boolean('DEMO', demoByDefault),

    outgoingBufferMaxBytes: read.integer('OUTGOING_BUFFER_MAX_BYTES', 1024 * 1024, 16 * 1024, 1024 * 1024 * 1024),
    authDeadlineMs: read.integer('AUTH_DEADLINE_MS', 10_000, 100, 3_600_000),
    httpHeadersTimeoutMs: read.integer('HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
    httpRequestTimeoutMs: read.integer('HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
    httpKeepAliveTimeoutMs: read.integer('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5000, 100, 600_000),
    lobbyRateMessages: read.integer('LOBBY_RATE_MESSAGES', 5, 1, 100_000),
    lobbyRateWindowMs: read.integer('LOBBY_RATE_WINDOW_MS', 5000, 1000, 3_600_000),
    lobbyStaffRateMessages: read.integer('LOBBY_STAFF_RATE_MESSAGES', 100, 1, 100_000),
    lobbyStaffRateWindowMs: read.integer('LOBBY_STAFF_RATE_WINDOW_MS', 30_000, 1000, 3_600_000),
    lobbyBlockedWordsMax: read.integer('LOBBY_BLOCKED_WORDS_MAX', 500, 0, 10_000),
    lobbyBlockedWordMaxLength: read.integer('LOBBY_BLOCKED_WORD_MAX_LENGTH', 64, 1, 1000),
    sellerRateMessages: read.integer('SELLER_RATE_MESSAGES', 10, 1, 100_000),
    sellerRateWindowMs: read.integer('SELLER_RATE_WINDOW_MS', 5000, 1000, 3_600_000),
    sellerMessageMax: read.integer('SELLER_MESSAGE_MAX', 2000, 1, 1_000_000),
    sellerAuthChats: read.integer('SELLER_AUTH_CHATS', 100, 1, 100_000),
    sellerAuthMessagesPerChat: read.integer('SELLER_AUTH_MESSAGES_PER_CHAT', 100, 0, 100_000),
    recoveryMaxMessages: read.integer('RECOVERY_MAX_MESSAGES', 2000, 1, 100_000),
    recoveryWindowMs: read.integer('RECOVERY_WINDOW_MS', 3_600_000, 1000, 7 * 86_400_000),
    authConcurrency: read.integer('AUTH_CONCURRENCY', 64, 1, 100_000),
    authQueueMax: read.integer('AUTH_QUEUE_MAX', 20_000, 0, 10_000_000),
    trustedProxies: read.addressRanges('TRUSTED_PROXIES'),
    ipv6LimitPrefix: read.integer('IPV6_LIMIT_PREFIX', 64, 1, 128),
    maxSocketsPerUser: read.integer('MAX_SOCKETS_PER_USER', 20, 1, 1_000_000),
    maxSocketsPerIp: read.integer('MAX_SOCKETS_PER_IP', 200, 1, 1_000_000),
    maxSocketsTotal: read.integer('MAX_SOCKETS_TOTAL', 10_000, 1, 10_000_000),
    authFailuresPerIp: read.integer('AUTH_FAILURES_PER_IP', 20, 1, 1_000_000),
    authFailureWindowMs: read.integer('AUTH_FAILURE_WINDOW_MS', 60_000, 1000, 86_400_000),
    authThrottleDelayMs: read.integer('AUTH_THROTTLE_DELAY_MS', 1000, 0, 60_000),
    nameAuthsPerIp: read.integer('NAME_AUTHS_PER_IP', 30, 1, 1_000_000),
    nameAuthWindowMs: read.integer('NAME_AUTH_WINDOW_MS', 600_000, 1000, 86_400_000),

    databaseStartTimeoutMs: read.integer('DATABASE_START_TIMEOUT_MS', 10_000, 100, 600_000),
    databaseStartRetries: read.integer('DATABASE_START_RETRIES', 3, 0, 100),
    databaseWriteTimeoutMs: read.integer('DATABASE_WRITE_TIMEOUT_MS', 5000, 10, 600_000),
    sqliteBusyTimeoutMs: read.integer('SQLITE_BUSY_TIMEOUT_MS', 20, 0, 1000),
    sqliteCheckpointIntervalMs: read.integer('SQLITE_CHECKPOINT_INTERVAL_MS', 1000, 0, 600_000),
    sqliteWalMaxPages: read.integer('SQLITE_WAL_MAX_PAGES', 10_000, 100, 10_000_000),
    postgresConnectTimeoutMs: read.integer('POSTGRES_CONNECT_TIMEOUT_MS', 5000, 100, 600_000),
    postgresStatementTimeoutMs: read.integer('POSTGRES_STATEMENT_TIMEOUT_MS', 5000, 10, 600_000),
    postgresQueryTimeoutMs: read.integer('POSTGRES_QUERY_TIMEOUT_MS', 7000, 10, 600_000),
    storageCheckIntervalMs: read.integer('STORAGE_CHECK_INTERVAL_MS', 1000, 50, 600_000),

    webhookTimeoutMs: read.integer('WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    webhookRetryBaseMs: read.integer('WEBHOOK_RETRY_BASE_MS', 10_000, 10, 3_600_000),
    webhookRetryMaxDelayMs: read.integer('WEBHOOK_RETRY_MAX_DELAY_MS', 3_600_000, 10, 86_400_000),
    webhookRetryForMs: read.integer('WEBHOOK_RETRY_FOR_MS', 86_400_000, 0, 7 * 86_400_000),
    webhookPollIntervalMs: read.integer('WEBHOOK_POLL_INTERVAL_MS', 1000, 10, 60_000),
    webhookConcurrency: read.integer('WEBHOOK_CONCURRENCY', 10, 1, 1000),
    webhookAllowPrivate: read.boolean('WEBHOOK_ALLOW_PRIVATE', false),
    unansweredAfterMs: read.integer('UNANSWERED_AFTER_MS', 180_000, 1000, 7 * 86_400_000),
  };
  if (config.redisUrl && config.database.kind === 'sqlite') {
    // Several instances share one database; a SQLite file cannot be shared between hosts.
    read.invalid(
      'REDIS_URL',
      'joins several instances, which needs PostgreSQL: set DATABASE_URL to a postgres:// URL',
      null,
    );
  }
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}

export function parseDatabaseUrl(value: string): DatabaseConfig {
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    if (!path) throw new ConfigError('DATABASE_URL', 'needs a path after "sqlite:" (or ":memory:")');
    return { kind: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid postgres:// URL');
    }
    return { kind: 'postgres', url: value };
  }
  throw new ConfigError('DATABASE_URL', 'must start with "sqlite:" or "postgres://"');
}

/** Every setting loadConfig reads, in the order it reads them, with its default (for an empty environment). */
export function settingShapes(): SettingShape[] {
  const shapes = new Map<string, SettingShape>();
  loadConfig({}, (shape) => shapes.set(shape.name, { ...shapes.get(shape.name), ...shape }));
  return [...shapes.values()];
}
