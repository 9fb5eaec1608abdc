import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket as TcpSocket } from 'node:net';
import type { Socket as EngineSocket } from 'engine.io';
import { Server, type Socket } from 'socket.io';
import ioV2 from 'socket.io-client-v2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { engineSocketBound } from '../src/realtime/internals/outgoing-bound.js';
import { PrebuiltFrameBroadcast } from '../src/realtime/internals/prebuilt-frame-broadcast.js';
import { LobbyClient } from './support/lobby-client.js';
import { until } from './support/until.js';

// A plain socket.io server with the options Chatgate's lobby uses (EIO3 allowed, both transports, the outgoing
// bound): the direct write relies on private parts of engine.io and of its `ws` (prebuilt-frame-broadcast.ts), and
// these tests fail if an upgrade moves them, whether the frame then goes nowhere, goes through engine.io after all,
// or overtakes what engine.io holds for a socket.
const MAX_BYTES = 64 * 1024;

describe('PrebuiltFrameBroadcast on engine.io 6 and ws 8', () => {
  let http: HttpServer;
  let io: Server;
  let url: string;
  const dropped: EngineSocket[] = [];
  const clients: { close(): void }[] = [];
  let broadcast: PrebuiltFrameBroadcast;

  beforeAll(async () => {
    http = createServer();
    io = new Server(http, { allowEIO3: true, transports: ['polling', 'websocket'] });
    io.engine.on(
      'connection',
      engineSocketBound(MAX_BYTES, (session) => dropped.push(session)),
    );
    broadcast = new PrebuiltFrameBroadcast(io);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterEach(() => clients.splice(0).forEach((client) => client.close()));
  afterAll(async () => {
    await io.close();
  });

  /** A client whose server socket is in `room` (each test has its own, so sockets closing after another test are
   * never counted). */
  const join = async (room: string, transports: ('polling' | 'websocket')[] = ['websocket']) => {
    const client = await LobbyClient.connect(url, transports);
    clients.push(client);
    const socket = serverSocket(client.socket.id!);
    await socket.join(room);
    return { client, socket };
  };
  const serverSocket = (id: string): Socket => {
    const socket = io.of('/').sockets.get(id);
    if (!socket) throw new Error(`no server socket ${id}`);
    return socket;
  };
  /** The message packets engine.io creates for a session: none when a frame was written past it. */
  const packetsOf = (socket: Socket) => {
    const packets: unknown[] = [];
    socket.conn.on('packetCreate', (packet: { type: string; data?: unknown }) => {
      if (packet.type === 'message') packets.push(packet.data);
    });
    return packets;
  };

  it('writes the frame straight to an idle Engine.IO 4 websocket member, as a socket.io client reads it', async () => {
    const reader = await join('direct');
    const packets = packetsOf(reader.socket);
    const payload = { id: 7, user: { uname: 'élodie', role: 'member' }, text: 'x'.repeat(70_000) };

    expect(broadcast.emit('direct', [], 'new_message', payload)).toBe(1);

    expect(await reader.client.waitFor('new_message')).toEqual([payload]);
    expect(packets).toEqual([]);
  });

  it('writes directly to a session once it has upgraded from polling to websocket, and through engine.io before', async () => {
    const member = await join('upgrading', ['polling', 'websocket']);
    const packets = packetsOf(member.socket);
    // Just connected, the session is (nearly always) still on polling, its websocket probe under way or not yet.
    const startedOnPolling = member.socket.conn.transport.name === 'polling';
    if (startedOnPolling) {
      expect(broadcast.emit('upgrading', [], 'new_message', 'polling')).toBe(1);
      await new Promise((resolve) => member.socket.conn.once('upgrade', resolve));
    }
    expect(member.socket.conn.transport.name).toBe('websocket');
    expect(broadcast.emit('upgrading', [], 'new_message', 'websocket')).toBe(1);

    const expected = startedOnPolling ? ['polling', 'websocket'] : ['websocket'];
    expect(await member.client.waitFor('new_message', expected.length)).toEqual(expected);
    expect(packets).toEqual(startedOnPolling ? ['2["new_message","polling"]'] : []);
  });

  it('follows the room as sockets join and leave between broadcasts', async () => {
    const stays = await join('changing');
    const leaves = await join('changing');
    expect(broadcast.emit('changing', [], 'new_message', 1)).toBe(2);
    await leaves.socket.leave('changing');
    expect(broadcast.emit('changing', [], 'new_message', 2)).toBe(1);
    const joins = await join('changing');
    expect(broadcast.emit('changing', [], 'new_message', 3)).toBe(2);

    expect(await stays.client.waitFor('new_message', 3)).toEqual([1, 2, 3]);
    expect(await joins.client.waitFor('new_message')).toEqual([3]);
    await leaves.client.sync();
    expect(leaves.client.events()).toEqual([['new_message', 1]]);
  });

  it('sends through engine.io to polling members, EIO3 members and members it holds packets for, each in order', async () => {
    const polling = await join('mixed', ['polling']);
    const queued = await join('mixed');
    const skipped = await join('mixed');
    const legacy = ioV2(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    clients.push(legacy);
    const legacyEvents: unknown[][] = [];
    legacy.on('held', (...args: unknown[]) => legacyEvents.push(['held', ...args]));
    legacy.on('new_message', (...args: unknown[]) => legacyEvents.push(['new_message', ...args]));
    await new Promise<void>((resolve) => legacy.once('connect', resolve));
    // socket.io 4 gives an EIO3 client's socket an id of its own, not the engine session's; find it by its session.
    const legacySocket = [...io.of('/').sockets.values()].find((s) => s.conn.protocol === 3)!;
    await legacySocket.join('mixed');
    const watched = [polling.socket, queued.socket, legacySocket].map((socket) => packetsOf(socket));

    // The first packet is on the wire, awaiting its write callback; the second waits in engine.io's buffer.
    queued.socket.emit('held', 1);
    queued.socket.emit('held', 2);
    expect(broadcast.emit('mixed', [skipped.socket.id], 'new_message', 'after')).toBe(3);

    expect(await polling.client.waitFor('new_message')).toEqual(['after']);
    await queued.client.waitFor('new_message');
    expect(queued.client.events()).toEqual([
      ['held', 1],
      ['held', 2],
      ['new_message', 'after'],
    ]);
    await until(() => legacyEvents.length === 1);
    expect(legacyEvents).toEqual([['new_message', 'after']]);
    expect(watched).toEqual([
      ['2["new_message","after"]'],
      ['2["held",1]', '2["held",2]', '2["new_message","after"]'],
      ['2["new_message","after"]'],
    ]);
    expect(skipped.client.events()).toEqual([]);
  });

  it('sends what one tick writes to a member in order, counting it toward the bound only once the kernel has it', async () => {
    const reader = await join('tick');
    const big = 'z'.repeat(30_000);
    // 3 × 30 KB direct frames and an engine.io packet in one tick: past the 64 KB bound while held for the tick.
    for (let i = 1; i <= 3; i++) expect(broadcast.emit('tick', [], 'new_message', `${i}${big}`)).toBe(1);
    reader.socket.emit('after', 4);

    expect(await reader.client.waitFor('new_message', 3)).toEqual([`1${big}`, `2${big}`, `3${big}`]);
    expect(await reader.client.waitFor('after')).toEqual([4]);
    expect(reader.client.events().map(([event]) => event)).toEqual([
      'new_message',
      'new_message',
      'new_message',
      'after',
    ]);
    expect(dropped).toEqual([]);
  });

  it("hands each member the frames one tick wrote to it in one write, every member's at the end of the tick", async () => {
    const members = [await join('batched'), await join('batched'), await join('batched')];
    const writes = members.map(({ socket }) => countWrites(serverTcpOf(socket)));

    for (let i = 1; i <= 3; i++) expect(broadcast.emit('batched', [], 'new_message', i)).toBe(3);

    for (const { client } of members) expect(await client.waitFor('new_message', 3)).toEqual([1, 2, 3]);
    expect(writes.map((count) => count())).toEqual([1, 1, 1]);
  });

  it('counts direct writes toward the outgoing bound: a member that stopped reading is cut, others keep reading', async () => {
    const stalled = await join('bounded');
    const reader = await join('bounded');
    const packets = packetsOf(stalled.socket);
    const gone = new Promise((resolve) => stalled.socket.once('disconnect', resolve));
    tcpOf(stalled.client).pause();

    const big = 'y'.repeat(9000);
    let sent = 0;
    // Bounded: well past the kernel's loopback buffers plus the bound, and stops once the member is cut.
    while (sent < 4000 && !dropped.includes(stalled.socket.conn)) {
      broadcast.emit('bounded', [], 'new_message', big);
      sent++;
      if (sent % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(dropped.length).toBe(1);
    expect(dropped[0]).toBe(stalled.socket.conn);
    expect(packets).toEqual([]);
    expect(await gone).toBe('transport close');

    await reader.client.waitFor('new_message', sent, 10_000);
    expect(reader.client.events().length).toBe(sent);
  });
});

function tcpOf(client: LobbyClient): TcpSocket {
  return (client.socket.io.engine.transport as unknown as { ws: { _socket: TcpSocket } }).ws._socket;
}

/** The server's TCP socket under a member's websocket transport. */
function serverTcpOf(socket: Socket): TcpSocket {
  return (socket.conn.transport as unknown as { socket: { _socket: TcpSocket } }).socket._socket;
}

/** Counts the writes a TCP socket hands to the kernel from now on (one `writev` for chunks corked together). */
function countWrites(tcp: TcpSocket): () => number {
  let writes = 0;
  const internal = tcp as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
  for (const method of ['_write', '_writev'] as const) {
    const original = internal[method].bind(tcp);
    internal[method] = (...args) => {
      writes++;
      original(...args);
    };
  }
  return () => writes;
}
