import { createHash } from 'node:crypto';
import { randomBase64url } from '../common/random-strings.js';

/** 256 random bits, URL-safe. */
export function generateToken(): string {
  return randomBase64url(32);
}

/** The lowercase hex sha256 of a token: what the lobby protocol calls `hashed_token`. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const TOKEN_HASH = /^[0-9a-f]{64}$/;

/** A client-sent hash in canonical form, or null when it cannot be the hash of any token. */
export function normalizeTokenHash(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const lower = value.toLowerCase();
  return TOKEN_HASH.test(lower) ? lower : null;
}
