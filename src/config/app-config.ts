import { isAddressRange, NAMED_RANGES } from '../common/ip-addresses.js';

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
  /** How long a connection remembers the message ids of the history it was sent, to drop late duplicates. */
  readonly lateDeliveryWindowMs: number;
  /** Joins instances: the delivery bus and presence go through this Redis when set (redis:// or rediss://). */
  readonly redisUrl: string | null;
  /** Prefix of every Redis key and channel, so several deployments (or test runs) can share one Redis. */
  readonly redisKeyPrefix: string;
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

  // Security and limits (README "Security and limits"): what a hostile or broken client may cost the server.
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

  // Storage faults (README "Storage faults"): every wait on the database is bounded.
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

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

type Env = Record<string, string | undefined>;

export const DEFAULT_DATABASE_URL = 'sqlite:./data/chatgate.sqlite';

export function loadConfig(env: Env): AppConfig {
  const adminToken = optional(env, 'ADMIN_TOKEN');
  if (adminToken !== null && adminToken.length < 16) {
    throw new ConfigError('ADMIN_TOKEN', 'must be at least 16 characters long');
  }
  const database = parseDatabaseUrl(optional(env, 'DATABASE_URL') ?? DEFAULT_DATABASE_URL);
  // By default only where a newcomer runs it: an SQLite file outside production. DEMO=true/false decides otherwise.
  const demoByDefault =
    database.kind === 'sqlite' && database.path !== ':memory:' && optional(env, 'NODE_ENV') !== 'production';
  const config: AppConfig = {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: optional(env, 'HOST') ?? '0.0.0.0',
    database,
    runMigrations: boolean(env, 'RUN_MIGRATIONS', true),
    adminToken,
    lobbyHistorySize: integer(env, 'LOBBY_HISTORY_SIZE', 250, 0, 10_000),
    lobbyMessageMax: integer(env, 'LOBBY_MESSAGE_MAX', 140, 1, 10_000),
    lobbyPendingSessionsPerIp: integer(env, 'LOBBY_PENDING_SESSIONS_PER_IP', 20, 1, 100_000),
    corsOrigins: (optional(env, 'CORS_ORIGINS') ?? '*')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    sellerWsPath: wsPath(env, 'SELLER_WS_PATH', '/seller'),
    sellerPingIntervalMs: integer(env, 'SELLER_PING_INTERVAL_MS', 30_000, 100, 3_600_000),
    sellerMaxFrameBytes: integer(env, 'SELLER_MAX_FRAME_BYTES', 16 * 1024, 256, 16 * 1024 * 1024),
    presenceTtlMs: integer(env, 'PRESENCE_TTL_MS', 30_000, 1000, 3_600_000),
    connectionQueueMax: integer(env, 'CONNECTION_QUEUE_MAX', 100, 1, 100_000),
    lateDeliveryWindowMs: integer(env, 'LATE_DELIVERY_WINDOW_MS', 10_000, 0, 600_000),
    redisUrl: redisUrl(env, 'REDIS_URL'),
    redisKeyPrefix: optional(env, 'REDIS_KEY_PREFIX') ?? 'chatgate:',
    logFormat: oneOf(env, 'LOG_FORMAT', ['json', 'text'] as const, env.NODE_ENV === 'production' ? 'json' : 'text'),
    metricsToken: optional(env, 'METRICS_TOKEN'),
    shutdownDrainMs: integer(env, 'SHUTDOWN_DRAIN_MS', 1000, 0, 60_000),
    userDirectoryUrl: url(env, 'USER_DIRECTORY_URL'),
    userDirectoryTimeoutMs: integer(env, 'USER_DIRECTORY_TIMEOUT_MS', 3000, 1, 60_000),
    userDirectoryCacheTtlMs: integer(env, 'USER_DIRECTORY_CACHE_TTL_MS', 0, 0, 86_400_000),
    cacheMaxEntries: integer(env, 'CACHE_MAX_ENTRIES', 10_000, 0, 10_000_000),
    cacheTtlMs: integer(env, 'CACHE_TTL_MS', 60_000, 0, 86_400_000),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'log'),
    demo: boolean(env, 'DEMO', demoByDefault),

    outgoingBufferMaxBytes: integer(env, 'OUTGOING_BUFFER_MAX_BYTES', 1024 * 1024, 16 * 1024, 1024 * 1024 * 1024),
    authDeadlineMs: integer(env, 'AUTH_DEADLINE_MS', 10_000, 100, 3_600_000),
    httpHeadersTimeoutMs: integer(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
    httpRequestTimeoutMs: integer(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000),
    httpKeepAliveTimeoutMs: integer(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 5000, 100, 600_000),
    lobbyRateMessages: integer(env, 'LOBBY_RATE_MESSAGES', 5, 1, 100_000),
    lobbyRateWindowMs: integer(env, 'LOBBY_RATE_WINDOW_MS', 5000, 1000, 3_600_000),
    lobbyStaffRateMessages: integer(env, 'LOBBY_STAFF_RATE_MESSAGES', 100, 1, 100_000),
    lobbyStaffRateWindowMs: integer(env, 'LOBBY_STAFF_RATE_WINDOW_MS', 30_000, 1000, 3_600_000),
    lobbyBlockedWordsMax: integer(env, 'LOBBY_BLOCKED_WORDS_MAX', 500, 0, 10_000),
    lobbyBlockedWordMaxLength: integer(env, 'LOBBY_BLOCKED_WORD_MAX_LENGTH', 64, 1, 1000),
    sellerRateMessages: integer(env, 'SELLER_RATE_MESSAGES', 10, 1, 100_000),
    sellerRateWindowMs: integer(env, 'SELLER_RATE_WINDOW_MS', 5000, 1000, 3_600_000),
    sellerMessageMax: integer(env, 'SELLER_MESSAGE_MAX', 2000, 1, 1_000_000),
    sellerAuthChats: integer(env, 'SELLER_AUTH_CHATS', 100, 1, 100_000),
    sellerAuthMessagesPerChat: integer(env, 'SELLER_AUTH_MESSAGES_PER_CHAT', 100, 0, 100_000),
    recoveryMaxMessages: integer(env, 'RECOVERY_MAX_MESSAGES', 2000, 1, 100_000),
    recoveryWindowMs: integer(env, 'RECOVERY_WINDOW_MS', 3_600_000, 1000, 7 * 86_400_000),
    authConcurrency: integer(env, 'AUTH_CONCURRENCY', 64, 1, 100_000),
    authQueueMax: integer(env, 'AUTH_QUEUE_MAX', 20_000, 0, 10_000_000),
    trustedProxies: addressRanges(env, 'TRUSTED_PROXIES'),
    ipv6LimitPrefix: integer(env, 'IPV6_LIMIT_PREFIX', 64, 1, 128),
    maxSocketsPerUser: integer(env, 'MAX_SOCKETS_PER_USER', 20, 1, 1_000_000),
    maxSocketsPerIp: integer(env, 'MAX_SOCKETS_PER_IP', 200, 1, 1_000_000),
    maxSocketsTotal: integer(env, 'MAX_SOCKETS_TOTAL', 10_000, 1, 10_000_000),
    authFailuresPerIp: integer(env, 'AUTH_FAILURES_PER_IP', 20, 1, 1_000_000),
    authFailureWindowMs: integer(env, 'AUTH_FAILURE_WINDOW_MS', 60_000, 1000, 86_400_000),
    authThrottleDelayMs: integer(env, 'AUTH_THROTTLE_DELAY_MS', 1000, 0, 60_000),
    nameAuthsPerIp: integer(env, 'NAME_AUTHS_PER_IP', 30, 1, 1_000_000),
    nameAuthWindowMs: integer(env, 'NAME_AUTH_WINDOW_MS', 600_000, 1000, 86_400_000),

    databaseStartTimeoutMs: integer(env, 'DATABASE_START_TIMEOUT_MS', 10_000, 100, 600_000),
    databaseStartRetries: integer(env, 'DATABASE_START_RETRIES', 3, 0, 100),
    databaseWriteTimeoutMs: integer(env, 'DATABASE_WRITE_TIMEOUT_MS', 5000, 10, 600_000),
    sqliteBusyTimeoutMs: integer(env, 'SQLITE_BUSY_TIMEOUT_MS', 20, 0, 1000),
    sqliteCheckpointIntervalMs: integer(env, 'SQLITE_CHECKPOINT_INTERVAL_MS', 1000, 0, 600_000),
    sqliteWalMaxPages: integer(env, 'SQLITE_WAL_MAX_PAGES', 10_000, 100, 10_000_000),
    postgresConnectTimeoutMs: integer(env, 'POSTGRES_CONNECT_TIMEOUT_MS', 5000, 100, 600_000),
    postgresStatementTimeoutMs: integer(env, 'POSTGRES_STATEMENT_TIMEOUT_MS', 5000, 10, 600_000),
    postgresQueryTimeoutMs: integer(env, 'POSTGRES_QUERY_TIMEOUT_MS', 7000, 10, 600_000),
    storageCheckIntervalMs: integer(env, 'STORAGE_CHECK_INTERVAL_MS', 1000, 50, 600_000),

    webhookTimeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
    webhookRetryBaseMs: integer(env, 'WEBHOOK_RETRY_BASE_MS', 10_000, 10, 3_600_000),
    webhookRetryMaxDelayMs: integer(env, 'WEBHOOK_RETRY_MAX_DELAY_MS', 3_600_000, 10, 86_400_000),
    webhookRetryForMs: integer(env, 'WEBHOOK_RETRY_FOR_MS', 86_400_000, 0, 7 * 86_400_000),
    webhookPollIntervalMs: integer(env, 'WEBHOOK_POLL_INTERVAL_MS', 1000, 10, 60_000),
    webhookConcurrency: integer(env, 'WEBHOOK_CONCURRENCY', 10, 1, 1000),
    webhookAllowPrivate: boolean(env, 'WEBHOOK_ALLOW_PRIVATE', false),
    unansweredAfterMs: integer(env, 'UNANSWERED_AFTER_MS', 180_000, 1000, 7 * 86_400_000),
  };
  if (config.redisUrl && config.database.kind === 'sqlite') {
    // Several instances share one database; a SQLite file cannot be shared between hosts.
    throw new ConfigError(
      'REDIS_URL',
      'joins several instances, which needs PostgreSQL: set DATABASE_URL to a postgres:// URL',
    );
  }
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

function optional(env: Env, name: string): string | null {
  const value = env[name]?.trim();
  return value ? value : null;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = optional(env, name)?.toLowerCase() ?? null;
  if (raw === null) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

function url(env: Env, name: string): string | null {
  const raw = optional(env, name);
  if (raw === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an http(s) URL (got "${raw}")`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http(s) URL (got "${raw}")`);
  }
  return raw.replace(/\/+$/, '');
}

function redisUrl(env: Env, name: string): string | null {
  const raw = optional(env, name);
  if (raw === null) return null;
  if (!/^rediss?:\/\/[^\s]+$/.test(raw)) throw new ConfigError(name, 'must be a redis:// or rediss:// URL');
  return raw;
}

function addressRanges(env: Env, name: string): string[] {
  const entries = (optional(env, name) ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const invalid = entries.filter((entry) => !isAddressRange(entry));
  if (invalid.length > 0) {
    throw new ConfigError(
      name,
      `must list IP addresses, CIDR ranges or ${Object.keys(NAMED_RANGES).join(' / ')} (not ${invalid.map((e) => `"${e}"`).join(', ')})`,
    );
  }
  return entries;
}

function wsPath(env: Env, name: string, fallback: string): string {
  const raw = optional(env, name) ?? fallback;
  if (!/^\/[A-Za-z0-9_\-./]*$/.test(raw) || raw.startsWith('/socket.io')) {
    throw new ConfigError(name, `must be a URL path such as /seller, outside /socket.io (got "${raw}")`);
  }
  return raw;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = optional(env, name);
  if (raw === null) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}
