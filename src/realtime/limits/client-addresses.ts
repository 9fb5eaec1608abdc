import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { canonical, ipv6Network, rangesOf } from '../../common/ip-addresses.js';
import { limitSettings } from '../../config/areas/limits.settings.js';

/**
 * Who the client behind a connection or request is: the one answer every per-address limit, both protocols'
 * handshakes, the logs and Express (`trust proxy`) use. A peer in TRUSTED_PROXIES speaks for the client through
 * X-Forwarded-For; the client is the right-most entry no trusted proxy wrote (each proxy appends the address it
 * was reached from, so entries left of the first untrusted one are whatever that client claimed). Any other peer
 * is the client itself, whatever header it sends.
 */
@Injectable()
export class ClientAddresses {
  private readonly trusted = new BlockList();
  private readonly ipv6Prefix: number;

  constructor(@Inject(limitSettings.KEY) limits: ConfigType<typeof limitSettings>) {
    for (const entry of limits.trustedProxies) {
      for (const range of rangesOf(entry)) this.trust(range);
    }
    this.ipv6Prefix = limits.ipv6LimitPrefix;
  }

  /** The client's address of an HTTP request or WebSocket upgrade. */
  ofRequest(request: IncomingMessage): string {
    return this.resolve(request.socket.remoteAddress, request.headers['x-forwarded-for']);
  }

  /** The client's address of a socket.io connection, from the handshake socket.io kept. */
  ofHandshake(handshake: { address: string; headers: IncomingHttpHeaders }): string {
    return this.resolve(handshake.address, handshake.headers['x-forwarded-for']);
  }

  /**
   * The client's address from the TCP peer and the X-Forwarded-For header(s) the request carried: the walk
   * Express's proxy-addr makes with `isTrusted` as its `trust proxy` function, so `req.ip` agrees.
   */
  private resolve(peer: string | undefined, forwardedFor: string | string[] | undefined): string {
    let address = canonical(peer ?? '');
    if (!forwardedFor || !this.isTrusted(address)) return address;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
    for (let i = hops.length - 1; i >= 0; i -= 1) {
      address = canonical(hops[i].trim());
      if (!this.isTrusted(address)) return address;
    }
    // Every hop is a trusted proxy: the left-most is as close to the client as anyone can tell.
    return address;
  }

  isTrusted(address: string): boolean {
    const plain = canonical(address);
    if (isIPv4(plain)) return this.trusted.check(plain, 'ipv4');
    return isIPv6(plain) && this.trusted.check(plain, 'ipv6');
  }

  /**
   * What per-address limits count under: an IPv4 address as it is, an IPv6 address by its IPV6_LIMIT_PREFIX
   * network (one subscriber is routinely given a whole /64, so counting single addresses would let one person
   * take 2^64 allowances).
   */
  limitKey(address: string): string {
    return isIPv6(address) ? ipv6Network(address, this.ipv6Prefix) : address;
  }

  /** The limit key of an HTTP request's or WebSocket upgrade's client. */
  limitKeyOf(request: IncomingMessage): string {
    return this.limitKey(this.ofRequest(request));
  }

  private trust(range: string): void {
    const [address, bits] = range.split('/');
    const type = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (bits === undefined) this.trusted.addAddress(address, type);
    else this.trusted.addSubnet(address, Number(bits), type);
  }
}
