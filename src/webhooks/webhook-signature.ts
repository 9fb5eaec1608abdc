import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/**
 * The `webhook-signature` of a Standard Webhooks attempt: `v1,` and the base64 HMAC-SHA256, keyed by the secret's
 * base64-decoded key, of `{id}.{timestamp}.{body}`, with `timestamp` in Unix seconds. It is what the `standardwebhooks`
 * package signs, computed by node:crypto's native HMAC rather than that package's JavaScript SHA-256.
 */
export function webhookSignature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}
