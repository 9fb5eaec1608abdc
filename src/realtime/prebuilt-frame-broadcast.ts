import type { Socket as TcpSocket } from 'node:net';
import type { Socket as EngineSocket } from 'engine.io';
import type { Server } from 'socket.io';
import * as wsModule from 'ws';
import { WebSocket } from 'ws';
import { writeDirect } from './outgoing-bound.js';

/**
 * A room broadcast that frames the event once and writes that WebSocket frame straight to the TCP socket of each
 * member it can, instead of through socket.io's and engine.io's per-socket machinery. socket.io already encodes a
 * broadcast once, but still runs, per member, a packet object, engine.io's `packetCreate`/`flush`/`drain` events, a
 * write callback and a corked two-buffer `writev`; on a large lobby those are most of the CPU that is not the kernel's
 * send (README, Performance, "What limits each figure now").
 *
 * A member is written to directly only when nothing can be ahead of the frame in engine.io's hands: its session is
 * open on the websocket transport (Engine.IO 4), not upgrading, with an empty write buffer, a writable transport
 * (engine.io's previous write has completed) and no per-message compression. engine.io writes every frame of a
 * session to the same TCP socket, synchronously, so a direct write lands in the order the server produced it. Every
 * other member (polling, EIO3 clients, a session mid-upgrade or with a queue, compression on) gets the broadcast
 * through socket.io as before, in the same call, so each socket's order (its own acks against broadcasts) holds.
 * Direct writes of one tick leave a socket together, and count toward OUTGOING_BUFFER_MAX_BYTES as engine.io's writes
 * do (`writeDirect`, outgoing-bound.ts).
 */
export class PrebuiltFrameBroadcast {
  /**
   * Each broadcast room's members with their Engine.IO sessions, so a broadcast walks an array instead of looking
   * every member up. socket.io's adapter announces every join and leave synchronously, and a room's list is dropped
   * on either and rebuilt by its next broadcast: it never lists a socket that left, and holds only rooms that have
   * members (the last leave drops it).
   */
  private readonly rosters = new Map<string, Roster>();

  constructor(private readonly server: Server) {
    const stale = (room: string) => void this.rosters.delete(room);
    server.of('/').adapter.on('join-room', stale);
    server.of('/').adapter.on('leave-room', stale);
  }

  /** Emits `event` with `data` to the room's sockets on this instance but `except`; returns how many it went to. */
  emit(room: string, except: readonly string[], event: string, data: unknown): number {
    const { ids, sessions } = this.roster(room);
    const frame = textFrame(this.server.encoder.encode({ type: EVENT, nsp: '/', data: [event, data] }));
    if (!frame) {
      (except.length ? this.server.to(room).except(except as string[]) : this.server.to(room)).emit(event, data);
      return ids.filter((id) => !except.includes(id)).length;
    }
    const fallback: string[] = [];
    let delivered = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (except.length && except.includes(id)) continue;
      delivered++;
      const session = sessions[i];
      const tcp = directlyWritable(session);
      if (!tcp) {
        fallback.push(id);
        continue;
      }
      writeDirect(session as unknown as EngineSocket, tcp, frame);
    }
    if (fallback.length) this.server.to(fallback).emit(event, data);
    return delivered;
  }

  private roster(room: string): Roster {
    const cached = this.rosters.get(room);
    if (cached) return cached;
    const nsp = this.server.of('/');
    const roster: Roster = { ids: [], sessions: [] };
    for (const id of nsp.adapter.rooms.get(room) ?? []) {
      const socket = nsp.sockets.get(id);
      if (!socket) continue;
      roster.ids.push(id);
      roster.sessions.push(socket.conn as unknown as Session);
    }
    if (roster.ids.length) this.rosters.set(room, roster);
    return roster;
  }
}

/**
 * A room's socket ids and, at the same index, their Engine.IO sessions (a socket.io socket keeps its session for
 * life; an upgrade changes the session's transport). Two arrays, not one object per member: a roster is rebuilt
 * after every join, and a lobby filling up rebuilds it often.
 */
interface Roster {
  ids: string[];
  sessions: Session[];
}

/** socket.io-parser's EVENT packet type. */
const EVENT = 2;

/**
 * The private parts of engine.io 6.6.12 (pinned in package.json) and of the `ws` WebSocket under its websocket
 * transport (engine.io's own `ws` ~8.21: `_socket`, the TCP socket every frame of the session goes through) that the
 * direct write relies on; test/prebuilt-frame-broadcast.e2e-spec.ts fails if they move.
 */
interface Session {
  readyState: string;
  upgrading: boolean;
  writeBuffer: unknown[];
  transport: {
    name: string;
    protocol: number;
    writable: boolean;
    perMessageDeflate: unknown;
    socket?: { readyState: number; _socket?: TcpSocket };
  };
}

/** The TCP socket to write a frame to directly, or undefined when engine.io's own path must carry it. */
function directlyWritable(session: Session): TcpSocket | undefined {
  const transport = session.transport;
  if (
    session.readyState !== 'open' ||
    session.upgrading ||
    session.writeBuffer.length !== 0 ||
    transport.name !== 'websocket' ||
    transport.protocol !== 4 ||
    !transport.writable ||
    transport.perMessageDeflate
  ) {
    return undefined;
  }
  const ws = transport.socket;
  if (ws?.readyState !== WebSocket.OPEN || !ws._socket?.writable) return undefined;
  return ws._socket;
}

/** `ws`'s own framing (as socket.io-adapter uses it for its pre-encoded frames); not in @types/ws. */
const { Sender } = wsModule as unknown as {
  Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] };
};

interface FrameOptions {
  readOnly: boolean;
  mask: boolean;
  rsv1: boolean;
  opcode: number;
  fin: boolean;
}

/**
 * One unmasked, uncompressed WebSocket text frame holding the Engine.IO 4 message packet ("4" + the socket.io
 * packet), or undefined when the packet is not a single string (binary attachments go through socket.io).
 */
function textFrame(encoded: unknown[]): Buffer | undefined {
  if (encoded.length !== 1 || typeof encoded[0] !== 'string') return undefined;
  const payload = Buffer.from(`4${encoded[0]}`);
  return Buffer.concat(Sender.frame(payload, { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true }));
}
