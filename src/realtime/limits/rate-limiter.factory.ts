import { Injectable } from '@nestjs/common';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface LimiterOptions {
  /** Names the limit; keeps its keys apart from other limits' in a shared store. */
  keyPrefix: string;
  points: number;
  /** The window in milliseconds. */
  durationMs: number;
}

/**
 * Where every limit's counters live: in memory (one instance), or in Redis with REDIS_URL
 * (RedisRateLimiterFactory), chosen in RealtimeModule.
 */
export abstract class RateLimiterFactory {
  abstract create(options: LimiterOptions): RateLimiterAbstract;
}

@Injectable()
export class MemoryRateLimiterFactory extends RateLimiterFactory {
  /**
   * Each limiter in memory has a store of its own, so its keys need no prefix to stay apart; without one a key is
   * used as it is given, where a prefix made a string of every key on every call.
   */
  create({ points, durationMs }: LimiterOptions): RateLimiterAbstract {
    return new RateLimiterMemory({ keyPrefix: '', points, duration: durationMs / 1000 });
  }
}

/**
 * Takes a point; false when the limit is reached. A store failure rejects (callers answer it as a fault).
 * Every message takes one, so this chains on `consume`'s promise rather than wrapping it in an async function's,
 * and calls it without a closure.
 */
export function take(limiter: RateLimiterAbstract, key: string | number): Promise<boolean> {
  let consumed: Promise<RateLimiterRes>;
  try {
    consumed = limiter.consume(key, 1, NO_OPTIONS);
  } catch (error) {
    return Promise.reject(error);
  }
  return consumed.then(taken, refused);
}

/** `consume`'s options, given so that it does not make an empty object of its own per call. */
const NO_OPTIONS = Object.freeze({});
const taken = (): boolean => true;

function refused(error: unknown): boolean {
  if (error instanceof RateLimiterRes) return false;
  throw error;
}
