import { settingsArea } from '../settings-area.js';
import type { SettingsReader } from '../settings-reader.js';

/**
 * The limits of src/realtime/limits/ (docs/security.md, docs/configuration.md "Limits"): whom a request comes from,
 * and how many connections and auths an address, a user and the instance may have.
 */
export interface LimitSettings {
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
  /** Auths one instance works on at once (both protocols); later ones wait in a queue of at most `authQueueMax`. */
  readonly authConcurrency: number;
  readonly authQueueMax: number;
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
}

export function readLimitSettings(read: SettingsReader): LimitSettings {
  return {
    trustedProxies: read.addressRanges('TRUSTED_PROXIES'),
    ipv6LimitPrefix: read.integer('IPV6_LIMIT_PREFIX', 64, 1, 128),
    maxSocketsPerUser: read.integer('MAX_SOCKETS_PER_USER', 20, 1, 1_000_000),
    maxSocketsPerIp: read.integer('MAX_SOCKETS_PER_IP', 200, 1, 1_000_000),
    maxSocketsTotal: read.integer('MAX_SOCKETS_TOTAL', 10_000, 1, 10_000_000),
    authConcurrency: read.integer('AUTH_CONCURRENCY', 64, 1, 100_000),
    authQueueMax: read.integer('AUTH_QUEUE_MAX', 20_000, 0, 10_000_000),
    authFailuresPerIp: read.integer('AUTH_FAILURES_PER_IP', 20, 1, 1_000_000),
    authFailureWindowMs: read.integer('AUTH_FAILURE_WINDOW_MS', 60_000, 1000, 86_400_000),
    authThrottleDelayMs: read.integer('AUTH_THROTTLE_DELAY_MS', 1000, 0, 60_000),
    nameAuthsPerIp: read.integer('NAME_AUTHS_PER_IP', 30, 1, 1_000_000),
    nameAuthWindowMs: read.integer('NAME_AUTH_WINDOW_MS', 600_000, 1000, 86_400_000),
  };
}

export const limitSettings = settingsArea<LimitSettings>('limits');
