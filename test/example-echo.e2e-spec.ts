import type { Socket as TcpSocket } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EchoModule } from '../src/examples/echo/echo.module.js';
import type { TestServer } from './support/server.js';
import { startTestingApp } from './support/testing-app.js';
import { until } from './support/until.js';

const SITE = 'https://site.example';

/** A raw WebSocket client of the echo example that records every frame and its close. */
class EchoClient {
  readonly frames: unknown[] = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => this.frames.push(JSON.parse(raw.toString())));
    socket.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  static async connect(server: TestServer, headers: Record<string, string> = {}): Promise<EchoClient> {
    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/examples/echo`, { headers });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return new EchoClient(socket);
  }

  /** The HTTP status an upgrade was refused with. */
  static refusal(server: TestServer, headers: Record<string, string> = {}): Promise<number> {
    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/examples/echo`, { headers });
    return new Promise((resolve, reject) => {
      socket.once('open', () => reject(new Error('the upgrade was accepted')));
      // Handling the response ourselves: ws then leaves the refused request to us, and emits no error.
      socket.once('unexpected-response', (request, response) => {
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
    });
  }

  /** Sends a frame and resolves with the next one received. */
  async request(event: string, data: unknown): Promise<unknown> {
    const count = this.frames.length;
    this.socket.send(JSON.stringify({ event, data }));
    await until(() => this.frames.length > count || this.closed !== null, { what: `an answer to ${event}` });
    return this.frames[count];
  }

  waitForClose(): Promise<{ code: number; reason: string }> {
    return until(() => this.closed !== null, { what: 'the close' }).then(() => this.closed!);
  }

  close(): void {
    this.socket.close();
  }
}

describe('the raw-ws echo example (src/examples/echo), enabled by importing EchoModule', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestingApp({
      imports: [EchoModule],
      env: { CORS_ORIGINS: SITE, AUTH_DEADLINE_MS: '300', OUTGOING_BUFFER_MAX_BYTES: String(16 * 1024) },
    });
  });
  afterAll(() => server.close());

  it('echoes once the client said hello, and not before', async () => {
    const client = await EchoClient.connect(server, { Origin: SITE });
    expect(await client.request('echo', 'too soon')).toEqual({ event: 'error', data: 'say hello first' });
    expect(await client.request('hello', 'Ann')).toEqual({ event: 'hello', data: 'hello, Ann' });
    expect(await client.request('echo', { any: ['json'] })).toEqual({ event: 'echo', data: { any: ['json'] } });
    client.close();
  });

  it('refuses a page of a foreign origin (403) at the handshake', async () => {
    expect(await EchoClient.refusal(server, { Origin: 'https://evil.example' })).toBe(403);
  });

  it('closes a connection that has not said hello within AUTH_DEADLINE_MS (1008), and keeps one that did', async () => {
    const greeted = await EchoClient.connect(server);
    await greeted.request('hello', 'Bo');
    // Opened after `greeted`: when its deadline has closed it, `greeted`'s deadline has passed too.
    const silent = await EchoClient.connect(server);
    expect(await silent.waitForClose()).toEqual({ code: 1008, reason: 'auth deadline passed' });
    expect(await greeted.request('echo', 'still here')).toEqual({ event: 'echo', data: 'still here' });
    expect(greeted.closed).toBeNull();
    greeted.close();
  });

  it('cuts a connection that stopped reading once it holds OUTGOING_BUFFER_MAX_BYTES unsent, and keeps serving', async () => {
    const stalled = await EchoClient.connect(server);
    await stalled.request('hello', 'Cy');
    (stalled.socket as unknown as { _socket: TcpSocket })._socket.pause();
    const frame = JSON.stringify({ event: 'echo', data: 'x'.repeat(60_000) });
    // Bounded: well past the kernel's loopback buffers plus the bound; a write fails once the server has cut it.
    let sent = 0;
    for (; sent < 1000 && stalled.closed === null; sent++) {
      await new Promise<void>((resolve) => stalled.socket.send(frame, () => resolve()));
    }
    // 1006: cut at the TCP level, no close frame (a peer that does not read would not read one either).
    expect((await stalled.waitForClose()).code).toBe(1006);
    expect(stalled.frames.length - 1).toBeLessThan(sent);

    const fresh = await EchoClient.connect(server);
    await fresh.request('hello', 'Di');
    expect(await fresh.request('echo', 'served')).toEqual({ event: 'echo', data: 'served' });
    fresh.close();
  });
});

describe('the raw-ws echo example’s connection caps', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestingApp({ imports: [EchoModule], env: { MAX_SOCKETS_PER_IP: '2' } });
  });
  afterAll(() => server.close());

  it('refuses a third connection from one address (429) while two are open', async () => {
    const first = await EchoClient.connect(server);
    const second = await EchoClient.connect(server);
    expect(await EchoClient.refusal(server)).toBe(429);
    first.close();
    second.close();
  });
});
