import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { corkedWrites } from './ws-corking.js';

describe('corkedWrites', () => {
  let server: WebSocketServer | undefined;
  let client: WebSocket | undefined;

  afterEach(async () => {
    client?.terminate();
    server?.close();
    if (server) await once(server, 'close');
  });

  /** A real server-side socket and its client over loopback, with every frame the client receives. */
  async function pair(): Promise<{ serverSide: WebSocket; received: string[] }> {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    const accepted = once(server, 'connection') as Promise<[WebSocket]>;
    client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const received: string[] = [];
    client.on('message', (data) => received.push(String(data)));
    const [[serverSide]] = await Promise.all([accepted, once(client, 'open')]);
    return { serverSide, received };
  }

  it('holds every frame sent inside it until it returns, then sends them in order', async () => {
    const { serverSide, received } = await pair();
    const held: number[] = [];
    corkedWrites(serverSide, () => {
      serverSide.send('{"command":"auth"}');
      held.push(serverSide.bufferedAmount);
      serverSide.send('{"command":"status"}');
      held.push(serverSide.bufferedAmount);
    });
    // Uncorked, loopback takes each frame at once and nothing stays buffered: these counts show the cork.
    expect(held).toEqual([2 + 18, 2 + 18 + 2 + 20]);
    expect(serverSide.bufferedAmount).toBe(0);
    await expect.poll(() => received).toEqual(['{"command":"auth"}', '{"command":"status"}']);
  });

  it('runs the writes on a socket already closed, which sends nothing', async () => {
    const { serverSide, received } = await pair();
    serverSide.terminate();
    let ran = false;
    corkedWrites(serverSide, () => {
      ran = true;
      serverSide.send('late');
    });
    expect(ran).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual([]);
  });
});
