import { once } from 'node:events';
import { Agent, createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/app-config.js';
import { ClientAddresses } from './client-addresses.js';

function addresses(env: Record<string, string> = {}): ClientAddresses {
  return new ClientAddresses(loadConfig({ DATABASE_URL: 'sqlite::memory:', ...env }).limits);
}

const from = (address: string, forwardedFor?: string | string[]) => ({
  address,
  headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
});

describe('ClientAddresses', () => {
  it('takes the TCP peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    const none = addresses();
    expect(none.ofHandshake(from('203.0.113.7'))).toBe('203.0.113.7');
    expect(none.ofHandshake(from('203.0.113.7', '198.51.100.1'))).toBe('203.0.113.7');
    expect(none.ofHandshake(from('::ffff:203.0.113.7', '198.51.100.1'))).toBe('203.0.113.7');
  });

  it('takes the right-most X-Forwarded-For entry that no trusted proxy wrote', () => {
    const trusting = addresses({ TRUSTED_PROXIES: '10.0.0.0/8, 2001:db8:ff::/48' });
    // nginx appended the client it saw; what the client claimed stands left of it.
    expect(trusting.ofHandshake(from('10.0.0.2', '198.51.100.9, 203.0.113.7'))).toBe('203.0.113.7');
    // A CDN, then nginx: both trusted, so the CDN's client is the client.
    expect(trusting.ofHandshake(from('10.0.0.2', '203.0.113.7, 10.1.2.3'))).toBe('203.0.113.7');
    expect(trusting.ofHandshake(from('::ffff:10.0.0.2', ['203.0.113.7', '10.1.2.3']))).toBe('203.0.113.7');
    expect(trusting.ofHandshake(from('2001:db8:ff::1', '2001:db8:1::5'))).toBe('2001:db8:1::5');
    // A trusted peer without the header is the client; an untrusted one is, header or not.
    expect(trusting.ofHandshake(from('10.0.0.2'))).toBe('10.0.0.2');
    expect(trusting.ofHandshake(from('192.0.2.1', '10.9.9.9'))).toBe('192.0.2.1');
    // Only trusted hops all the way: the left-most is the closest anyone can tell.
    expect(trusting.ofHandshake(from('10.0.0.2', '10.0.0.9, 10.0.0.8'))).toBe('10.0.0.9');
  });

  it('knows loopback, linklocal and uniquelocal by name', () => {
    const named = addresses({ TRUSTED_PROXIES: 'loopback,uniquelocal' });
    expect(
      ['127.0.0.1', '127.9.9.9', '::1', '10.1.1.1', '172.31.0.1', '192.168.5.5', 'fd12::1'].map((a) =>
        named.isTrusted(a),
      ),
    ).toEqual([true, true, true, true, true, true, true]);
    expect(
      ['172.32.0.1', '169.254.1.1', '8.8.8.8', 'fe80::1', 'not an address'].map((a) => named.isTrusted(a)),
    ).toEqual([false, false, false, false, false]);
  });

  it('counts an IPv6 client by its network for limits, an IPv4 client by its address', () => {
    expect(addresses().limitKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2:0:0:0:0/64');
    expect(addresses().limitKey('2001:db8:1:2::9')).toBe('2001:db8:1:2:0:0:0:0/64');
    expect(addresses({ IPV6_LIMIT_PREFIX: '56' }).limitKey('2001:db8:1:2ff::9')).toBe('2001:db8:1:200:0:0:0:0/56');
    expect(addresses({ IPV6_LIMIT_PREFIX: '128' }).limitKey('64:ff9b::1.2.3.4')).toBe('64:ff9b:0:0:0:0:102:304/128');
    expect(addresses().limitKey('203.0.113.7')).toBe('203.0.113.7');
  });
});

describe("Express's req.ip with the same trusted proxies", () => {
  const resolver = addresses({ TRUSTED_PROXIES: '127.0.0.1, 127.0.0.2' });
  let server: Server;
  let port: number;

  beforeAll(async () => {
    const app = express();
    app.set('trust proxy', (address: string) => resolver.isTrusted(address));
    app.get('/', (req, res) => {
      res.json({ expressIp: req.ip, ours: resolver.ofRequest(req) });
    });
    server = createServer(app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it.each([
    ['127.0.0.1', undefined],
    ['127.0.0.1', '127.0.0.9'],
    ['127.0.0.1', '127.0.0.8, 127.0.0.9'],
    ['127.0.0.1', '127.0.0.8, 127.0.0.2'],
    ['127.0.0.1', '127.0.0.2, 127.0.0.1'],
    ['127.0.0.5', '127.0.0.9'],
    ['127.0.0.1', 'garbage, 127.0.0.2'],
  ])('from %s with X-Forwarded-For %s', async (localAddress, forwardedFor) => {
    const agent = new Agent({ localAddress });
    const body = await new Promise<{ expressIp: string; ours: string }>((resolve, reject) => {
      get(
        `http://127.0.0.1:${port}/`,
        { agent, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(JSON.parse(text) as { expressIp: string; ours: string }));
        },
      ).on('error', reject);
    });
    agent.destroy();
    expect(body.ours).toBe(body.expressIp);
  });
});
