import { lookup } from 'node:dns/promises';
import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { urlToHttpOptions } from 'node:url';
import { canonical } from '../common/ip-addresses.js';
import { webhookSignature } from './webhook-signature.js';

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
  const endpoint = endpointOf(url);
  const target = 'error' in endpoint ? endpoint : await resolveTarget(endpoint, allowPrivate);
  return 'error' in target ? target.error : null;
}

/** A webhook URL, parsed once for all the attempts to it: the request options it stands for, and its host. */
interface Endpoint {
  https: boolean;
  /** The host without IPv6 brackets, and its address family when it is an address (0 for a name). */
  host: string;
  family: number;
  options: RequestOptions;
}

type Address = { address: string; family: number };

function endpointOf(url: string): Endpoint | { error: string } {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (parsed === null) return { error: 'not a URL' };
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { error: 'not an http(s) URL' };
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return { https: parsed.protocol === 'https:', host, family: isIP(host), options: urlToHttpOptions(parsed) };
}

/** The address an attempt connects to; an address in the URL needs no lookup, so it is answered without a promise. */
function resolveTarget(
  endpoint: Endpoint,
  allowPrivate: boolean,
): Address | { error: string } | Promise<Address | { error: string }> {
  const { host, family } = endpoint;
  if (family !== 0) return checked([{ address: host, family }], allowPrivate);
  return lookup(host, { all: true }).then(
    (addresses) => checked(addresses, allowPrivate),
    () => ({ error: 'the host does not resolve' }),
  );
}

function checked(addresses: Address[], allowPrivate: boolean): Address | { error: string } {
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
/** Parsed URLs kept; past this many distinct ones the cache starts over (endpoints are few, URLs are short). */
const MAX_ENDPOINTS = 1000;

/** What an attempt sends where: an event's body, signed with its endpoint's secret at the moment it is sent. */
export interface Attempt {
  url: string;
  secret: string;
  /** The event's `webhook-id`. */
  uid: string;
  payload: string;
}

/**
 * Sends webhook attempts over kept-alive connections, one pool per scheme: an attempt to an endpoint that was just
 * sent to reuses that connection instead of a TCP (and TLS) handshake each. `close()` ends every connection.
 */
export class WebhookSender {
  private readonly http = new HttpAgent({ keepAlive: true, timeout: IDLE_CONNECTION_MS });
  private readonly https = new HttpsAgent({ keepAlive: true, timeout: IDLE_CONNECTION_MS });
  private readonly endpoints = new Map<string, Endpoint | { error: string }>();

  /**
   * POSTs one body, signed as it leaves (Standard Webhooks), and settles on the status line. The answer's body is read
   * only to drop it, up to MAX_DRAINED_BYTES (past that the connection is closed, so a huge or endless answer costs
   * nothing), and redirects are not followed (a 3xx is a failed attempt). The whole attempt (resolving included, and
   * the dropped answer) is bounded by `timeoutMs`. A new connection goes to the address that was checked, so a name
   * that resolves differently a moment later cannot slip past the check; a kept-alive one was checked when it opened.
   */
  post(attempt: Attempt, options: { timeoutMs: number; allowPrivate: boolean }): Promise<AttemptOutcome> {
    const endpoint = this.endpoint(attempt.url);
    if ('error' in endpoint) return Promise.resolve(endpoint);
    return new Promise<AttemptOutcome>((resolve) => {
      let request: ClientRequest | null = null;
      let timedOut = false;
      // One timer for the whole attempt, cleared when its request closes (answer read, or connection gone).
      const timer = setTimeout(() => {
        timedOut = true;
        resolve({ error: 'timed out' });
        request?.destroy();
      }, options.timeoutMs);
      const send = (target: Address | { error: string }): void => {
        if (timedOut) return;
        if ('error' in target) {
          clearTimeout(timer);
          resolve(target);
          return;
        }
        request = this.request(endpoint, target, attempt);
        request.once('response', (response: IncomingMessage) => {
          resolve({ status: response.statusCode ?? 0 });
          drop(response);
        });
        request.once('error', (error: NodeJS.ErrnoException) =>
          resolve({ error: timedOut ? 'timed out' : (error.code ?? 'connection failed') }),
        );
        request.once('close', () => clearTimeout(timer));
        request.end(attempt.payload);
      };
      const target = resolveTarget(endpoint, options.allowPrivate);
      if (target instanceof Promise) void target.then(send);
      else send(target);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }

  private endpoint(url: string): Endpoint | { error: string } {
    let endpoint = this.endpoints.get(url);
    if (!endpoint) {
      if (this.endpoints.size >= MAX_ENDPOINTS) this.endpoints.clear();
      endpoint = endpointOf(url);
      this.endpoints.set(url, endpoint);
    }
    return endpoint;
  }

  private request(endpoint: Endpoint, target: Address, attempt: Attempt): ClientRequest {
    // The wall clock, not the injected one: receivers check webhook-timestamp against their own.
    const timestamp = Math.floor(Date.now() / 1000);
    return (endpoint.https ? httpsRequest : httpRequest)({
      ...endpoint.options,
      method: 'POST',
      agent: endpoint.https ? this.https : this.http,
      headers: {
        'webhook-id': attempt.uid,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': webhookSignature(attempt.secret, attempt.uid, timestamp, attempt.payload),
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(attempt.payload),
      },
      // An address in the URL is connected to as it is; a name, to the address that was checked.
      lookup: endpoint.family === 0 ? pinnedLookup(target) : undefined,
    });
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
function pinnedLookup(target: Address) {
  return (
    _host: string,
    options: { all?: boolean },
    callback: (error: null, address: string | Address[], family?: number) => void,
  ) => (options.all ? callback(null, [target]) : callback(null, target.address, target.family));
}
