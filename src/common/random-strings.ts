import { randomBytes, randomFillSync } from 'node:crypto';

/** Bytes drawn from the CSPRNG per refill of the pool. */
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafeSlow(POOL_BYTES);
let used = POOL_BYTES;

/**
 * `bytes` random bytes from the CSPRNG, as URL-safe base64. They come from a pool refilled 4 KB at a time, as Node's
 * own `randomUUID` does with its cache, and each byte is handed out once: a `randomBytes` call of its own is a native
 * job of about 3 µs, and every connection and every new token needs one. The string is flat, made natively.
 */
export function randomBase64url(bytes: number): string {
  if (bytes > POOL_BYTES) return randomBytes(bytes).toString('base64url');
  if (used + bytes > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const text = pool.toString('base64url', used, used + bytes);
  used += bytes;
  return text;
}
