import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket as EngineSocket } from 'engine.io';
import { Server, type Socket } from 'socket.io';
import ioV2 from 'socket.io-client-v2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { answerAcksDirectly } from '../src/realtime/internals/direct-acks.js';
import { JsonText, jsonTextParser, SharedJson } from '../src/realtime/connection/json-text.js';
import { engineSocketBound } from '../src/realtime/internals/outgoing-bound.js';
import { LobbyClient } from './support/lobby-client.js';

// A plain socket.io server with the lobby's options (EIO3 allowed, both transports, the JsonText parser, the outgoing
// bound) whose sockets answer acks directly: that relies on socket.io's private Socket#ack and on private parts of
// engine.io and its `ws` (direct-acks.ts, direct-frames.ts), and these tests fail if an upgrade moves them.
describe('acks written past socket.io and engine.io', () => {
  let http: HttpServer;
  let io: Server;
  let url: string;
  const dropped: EngineSocket[] = [];
  const clients: { close(): void }[] = [];
  /** The message packets engine.io created, by socket: none when every frame was written past it. */
  const packets = new Map<string, unknown[]>();

  beforeAll(async () => {
    http = createServer();
    io = new Server(http, { allowEIO3: true, transports: ['polling', 'websocket'], parser: jsonTextParser });
    io.engine.on(
      'connection',
      engineSocketBound(64 * 1024, (session) => dropped.push(session)),
    );
    io.on('connection', (socket: Socket) => {
      answerAcksDirectly(socket);
      const created: unknown[] = [];
      packets.set(socket.id, created);
      socket.conn.on('packetCreate', (packet: { type: string; data?: unknown }) => {
        if (packet.type === 'message') created.push(packet.data);
      });
      socket.on('echo', (value: unknown, ack: (...args: unknown[]) => void) => ack(null, value));
      socket.on('twice', (ack: (...args: unknown[]) => void) => {
        ack('first');
        ack('second');
      });
      socket.on('welcome', (ack: (...args: unknown[]) => void) => ack(null, new JsonText('{"room":{"users":{}}}')));
      // A reply whose shared list is `size` characters of JSON: its frame's length takes 7, 16 or 64 bits.
      socket.on('shared', (size: number, ack: (...args: unknown[]) => void) =>
        ack(null, new JsonText('{"users":', sharedList(size), ',"n":1}')),
      );
      socket.on('after-held', (ack: (...args: unknown[]) => void) => {
        // The first is on the wire awaiting its write callback, the second in engine.io's buffer: the ack follows them.
        socket.emit('held', 1);
        socket.emit('held', 2);
        ack('after');
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterEach(() => clients.splice(0).forEach((client) => client.close()));
  afterAll(async () => {
    await io.close();
  });

  const connect = async (transports: ('polling' | 'websocket')[] = ['websocket']) => {
    const client = await LobbyClient.connect(url, transports);
    clients.push(client);
    return client;
  };

  it('writes an idle Engine.IO 4 websocket session its acks directly, as a socket.io client reads them', async () => {
    const client = await connect();
    const payload = { id: 7, text: 'élodie', big: 'x'.repeat(20_000) };

    expect(await client.emitWithAck('echo', payload)).toEqual([null, payload]);
    expect(await client.emitWithAck('welcome')).toEqual([null, { room: { users: {} } }]);
    expect(packets.get(client.socket.id!)).toEqual([]);
    expect(dropped).toEqual([]);
  });

  it('writes a reply with shared pieces as one frame, at every frame length, and through engine.io to EIO3', async () => {
    const client = await connect();
    for (const size of [10, 200, 65_000, 70_000]) {
      expect(await client.emitWithAck('shared', size)).toEqual([null, { users: sharedValue(size), n: 1 }]);
    }
    expect(packets.get(client.socket.id!)).toEqual([]);

    const legacy = ioV2(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    clients.push(legacy);
    await new Promise<void>((resolve) => legacy.once('connect', resolve));
    const answer = await new Promise<unknown[]>((resolve) =>
      legacy.emit('shared', 200, (...args: unknown[]) => resolve(args)),
    );
    expect(answer).toEqual([null, { users: sharedValue(200), n: 1 }]);
    expect(dropped).toEqual([]);
  });

  it('answers once, like socket.io: a second call of the same ack sends nothing', async () => {
    const polling = await connect(['polling']);
    expect(await polling.emitWithAck('twice')).toEqual(['first']);
    expect(await polling.emitWithAck('echo', 'next')).toEqual([null, 'next']);
    expect(packets.get(polling.socket.id!)).toEqual(['30["first"]', '31[null,"next"]']);
  });

  it('acks through engine.io, after what it holds for the session, when the session is not directly writable', async () => {
    const websocket = await connect();
    expect(await websocket.emitWithAck('after-held')).toEqual(['after']);
    expect(websocket.events()).toEqual([
      ['held', 1],
      ['held', 2],
    ]);
    expect(packets.get(websocket.socket.id!)).toEqual(['2["held",1]', '2["held",2]', '30["after"]']);
  });

  it('acks EIO3 (socket.io-client 2) sessions through engine.io', async () => {
    const legacy = ioV2(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    clients.push(legacy);
    await new Promise<void>((resolve) => legacy.once('connect', resolve));
    const answer = await new Promise<unknown[]>((resolve) =>
      legacy.emit('echo', 'legacy', (...args: unknown[]) => resolve(args)),
    );
    expect(answer).toEqual([null, 'legacy']);
    // socket.io 4 gives an EIO3 client's socket an id of its own; find it by its protocol.
    const socket = [...io.of('/').sockets.values()].find((s) => s.conn.protocol === 3)!;
    expect(packets.get(socket.id)).toEqual(['30[null,"legacy"]']);
  });
});

/** A JSON string value of `size` characters of JSON text, with a character of two UTF-8 bytes in it. */
function sharedValue(size: number): string {
  return `é${'x'.repeat(Math.max(0, size - 3))}`;
}

const sharedLists = new Map<number, SharedJson>();

/** One SharedJson per size, as a lobby's user list is shared by every auth reply of one version. */
function sharedList(size: number): SharedJson {
  let shared = sharedLists.get(size);
  if (!shared) sharedLists.set(size, (shared = new SharedJson(JSON.stringify(sharedValue(size)))));
  return shared;
}
