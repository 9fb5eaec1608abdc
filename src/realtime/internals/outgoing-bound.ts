import type { Socket as TcpSocket } from 'node:net';
import type { Socket as EngineSocket } from 'engine.io';
import { WebSocket } from 'ws';
import type { WrittenAgainst } from './written-against.js';

export const WRITTEN_AGAINST: WrittenAgainst = { 'engine.io': '6.6.12', 'ws (engine.io)': '8.21.3', ws: '8.22.0' };

/**
 * Bounds on what a connection may have queued for sending. A peer that stops reading (a paused tab, a stalled
 * network, an attacker) otherwise makes the server buffer every broadcast for it until memory runs out. Past the
 * bound the connection is cut at the TCP level: a close frame could not reach a peer that does not read, and
 * destroying the socket drops its queue in one go instead of failing each queued frame on its own.
 */

/** A `ws` WebSocket class (for WebSocketServer's `WebSocket` option) that terminates itself past `maxBytes`. */
export function boundedWebSocketClass(maxBytes: number, onDrop: (socket: WebSocket) => void): typeof WebSocket {
  return class BoundedWebSocket extends WebSocket {
    override send(data: SendData, optionsOrCallback?: SendOptions | SendCallback, callback?: SendCallback): void {
      (super.send as (...args: unknown[]) => void)(data, optionsOrCallback, callback);
      if (this.bufferedAmount > maxBytes && this.readyState === WebSocket.OPEN) {
        onDrop(this);
        this.terminate();
      }
    }
  };
}

type SendData = Parameters<WebSocket['send']>[0];
type SendOptions = Parameters<WebSocket['send']>[1];
type SendCallback = (error?: Error) => void;

interface EngineTransport {
  name: string;
  /** The websocket transport's `ws` socket, and under it (private to `ws`) its TCP socket. */
  socket?: WebSocket & { _socket?: { writableCorked: number } };
}

/** What an Engine.IO session's bound knows: the same object for every session of a server. */
interface EngineBound {
  maxBytes: number;
  onDrop: (socket: EngineSocket) => void;
}

/** Kept on each bounded session: its bound, and the bytes of the packets created since its last flush. */
const BOUND = Symbol('outgoingBound');
const QUEUED = Symbol('outgoingQueued');

type BoundedSocket = EngineSocket & { [BOUND]?: EngineBound; [QUEUED]: number };

/**
 * The same bound for an Engine.IO session: its own write buffer (packets waiting for a poll, or for the websocket
 * transport's previous write to complete) plus what the websocket transport's `ws` socket holds. Counted as
 * packets are created and reset when the buffer is flushed, so checking costs nothing per queued packet. Returns
 * what bounds one session; every session it bounds shares its listeners and settings, and holds only its count.
 */
export function engineSocketBound(
  maxBytes: number,
  onDrop: (socket: EngineSocket) => void,
): (socket: EngineSocket) => void {
  const bound: EngineBound = { maxBytes, onDrop };
  return (socket) => {
    const bounded = socket as BoundedSocket;
    bounded[BOUND] = bound;
    bounded[QUEUED] = 0;
    socket.on('flush', flushed);
    socket.on('packetCreate', packetCreated);
  };
}

function flushed(this: BoundedSocket): void {
  this[QUEUED] = 0;
}

function packetCreated(this: BoundedSocket, packet: { data?: unknown }): void {
  this[QUEUED] += sizeOf(packet.data);
  enforce(this);
}

function enforce(socket: BoundedSocket): void {
  const bound = socket[BOUND];
  if (!bound) return;
  const transport = socket.transport as unknown as EngineTransport;
  // Frames `writeDirect` corked this tick are handed to the kernel at its end, and checked then: until then they
  // are not waiting on the peer.
  if (transport.name === 'websocket' && transport.socket?._socket?.writableCorked) return;
  if (socket[QUEUED] + wireBytes(transport) <= bound.maxBytes || socket.readyState === 'closed') return;
  bound.onDrop(socket);
  if (transport.name === 'websocket' && transport.socket) transport.socket.terminate();
  else socket.close(true);
}

/** What a bounded Engine.IO session has unsent: its own write buffer and its websocket's. */
export function unsentBytes(socket: EngineSocket): number {
  return ((socket as BoundedSocket)[QUEUED] ?? 0) + wireBytes(socket.transport as unknown as EngineTransport);
}

function wireBytes(transport: EngineTransport): number {
  return transport.name === 'websocket' ? (transport.socket?.bufferedAmount ?? 0) : 0;
}

/**
 * Writes a prebuilt frame (a broadcast or an ack: direct-frames.ts) to a session's TCP socket past engine.io, with
 * whatever else this tick writes to it: the first such write of a tick corks the socket, and every socket corked
 * this tick is uncorked together at its end, so several broadcasts from one commit, and a sender's own ack after the
 * broadcast of its message, leave in one `writev` instead of one system call (and one loopback or network segment)
 * each. engine.io's writes join the corked queue in order. Such writes create no packet, so the session's bound is
 * checked after the uncork, on what the socket still holds unsent.
 */
export function writeDirect(session: EngineSocket, tcp: TcpSocket, frame: Buffer): void {
  if (!tcp.writableCorked) {
    tcp.cork();
    // One tick callback for every socket a broadcast corks, rather than one each.
    if (corkedSockets.length === 0) process.nextTick(uncorkAll);
    corkedSessions.push(session);
    corkedSockets.push(tcp);
  }
  tcp.write(frame);
}

/** The TCP sockets corked this tick, and at the same index their sessions. */
let corkedSessions: EngineSocket[] = [];
let corkedSockets: TcpSocket[] = [];

function uncorkAll(): void {
  // Writes made while uncorking (a drop's callbacks) start lists, and a tick callback, of their own.
  const sessions = corkedSessions;
  const sockets = corkedSockets;
  corkedSessions = [];
  corkedSockets = [];
  for (let i = 0; i < sockets.length; i++) uncork(sessions[i], sockets[i]);
}

function uncork(session: EngineSocket, tcp: TcpSocket): void {
  tcp.uncork();
  // A socket destroyed meanwhile holds nothing: its buffer is cleared on the next tick.
  if (!tcp.destroyed && tcp.writableLength) enforce(session as BoundedSocket);
}

function sizeOf(data: unknown): number {
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
}
