import { lookup } from 'node:dns/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { canonical } from '../common/ip-addresses.js';

/** What one attempt came to: the receiver's HTTP status, or why there was none. */
export type AttemptOutcome = { status: number } | { error: string };

/** Addresses a webhook may not reach unless WEBHOOK_ALLOW_PRIVATE=true: this host, private networks, link-local. */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const plain = canonical(address);
  return PRIVATE.check(plain, isIP(plain) === 6 ? 'ipv6' : 'ipv4');
}

/** Why a URL may not be a webhook target, or null. Resolves its host, as the attempt will. */
export async function refusedTarget(url: string, allowPrivate: boolean): Promise<string | null> {
  const target = await resolveTarget(new URL(url), allowPrivate);
  return 'error' in target ? target.error : null;
}

async function resolveTarget(
  url: URL,
  allowPrivate: boolean,
): Promise<{ address: string; family: number } | { error: string }> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: 'not an http(s) URL' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
  } catch {
    return { error: 'the host does not resolve' };
  }
  // Every address is checked, not just the one used: a name that also resolves inward is refused as a whole.
  if (!allowPrivate && addresses.some(({ address }) => isPrivateAddress(address))) {
    return { error: 'the host resolves to a loopback, private or link-local address' };
  }
  return addresses[0] ?? { error: 'the host does not resolve' };
}

/** The most of an answer's body read (and dropped) to keep its connection for the next attempt; past it, it closes. */
const MAX_DRAINED_BYTES = 64 * 1024;
/** How long an idle kept-alive connection to an endpoint stays open. */
const IDLE_CONNECTION_MS = 5000;

/**
 * Sends webhook attempts over kept-alive connections, one pool per scheme: an attempt to an endpoint that was just
 * sent to reuses that connection instead of a TCP (and TLS) handshake each. `close()` ends every connection.
 */
export class WebhookSender {
  private readonly http = new HttpAgent({ keepAlive: true, timeout: IDLE_CONNECTION_MS });
  private readonly https = new HttpsAgent({ keepAlive: true, timeout: IDLE_CONNECTION_MS });

  /**
   * POSTs one signed body and settles on the status line. The answer's body is read only to drop it, up to
   * MAX_DRAINED_BYTES (past that the connection is closed, so a huge or endless answer costs nothing), and
   * redirects are not followed (a 3xx is a failed attempt). The whole attempt (resolving included) is bounded by
   * `timeoutMs`. A new connection goes to the address that was checked, so a name that resolves differently a moment
   * later cannot slip past the check; a kept-alive one was checked when it opened.
   */
  async post(
    url: string,
    headers: Record<string, string>,
    body: string,
    options: { timeoutMs: number; allowPrivate: boolean },
  ): Promise<AttemptOutcome> {
    const signal = AbortSignal.timeout(options.timeoutMs);
    const parsed = new URL(url);
    const target = await Promise.race([
      resolveTarget(parsed, options.allowPrivate),
      new Promise<{ error: string }>((resolve) =>
        signal.addEventListener('abort', () => resolve({ error: 'timed out' }), { once: true }),
      ),
    ]);
    if ('error' in target) return target;
    const https = parsed.protocol === 'https:';
    return new Promise<AttemptOutcome>((resolve) => {
      const request = (https ? httpsRequest : httpRequest)(parsed, {
        method: 'POST',
        agent: https ? this.https : this.http,
        signal,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        lookup: pinnedLookup(target),
      });
      request.once('response', (response: IncomingMessage) => {
        resolve({ status: response.statusCode ?? 0 });
        drop(response);
      });
      request.once('error', (error: NodeJS.ErrnoException) =>
        resolve({ error: signal.aborted ? 'timed out' : (error.code ?? 'connection failed') }),
      );
      request.end(body);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

/** Reads an answer to its end without keeping it, so its connection returns to the pool; closes it past the bound. */
function drop(response: IncomingMessage): void {
  let read = 0;
  response.on('data', (chunk: Buffer) => {
    read += chunk.length;
    if (read > MAX_DRAINED_BYTES) response.destroy();
  });
  response.on('error', () => undefined);
}

/** A `lookup` for the request that answers with the checked address (as one address or a list, as asked). */
function pinnedLookup(target: { address: string; family: number }) {
  return (
    _host: string,
    options: { all?: boolean },
    callback: (error: null, address: string | { address: string; family: number }[], family?: number) => void,
  ) => (options.all ? callback(null, [target]) : callback(null, target.address, target.family));
}
