import type { Socket as EngineSocket } from 'engine.io';
import type { Server } from 'socket.io';
import { directlyWritable, type Session, textFrame } from './direct-frames.js';
import { writeDirect } from './outgoing-bound.js';
import type { WrittenAgainst } from './written-against.js';

export const WRITTEN_AGAINST: WrittenAgainst = { 'socket.io': '4.8.3', 'engine.io': '6.6.12' };

/**
 * A room broadcast that frames the event once and writes that WebSocket frame straight to the TCP socket of each
 * member it can, instead of through socket.io's and engine.io's per-socket machinery. socket.io already encodes a
 * broadcast once, but still runs, per member, a packet object, engine.io's `packetCreate`/`flush`/`drain` events, a
 * write callback and a corked two-buffer `writev`; on a large lobby those are most of the CPU that is not the kernel's
 * send (docs/performance.md, "What limits each figure now").
 *
 * A member is written to directly only when nothing can be ahead of the frame in engine.io's hands
 * (`directlyWritable`, direct-frames.ts). Every other member (polling, EIO3 clients, a session mid-upgrade or with a
 * queue, compression on) gets the broadcast through socket.io as before, in the same call, so each socket's order
 * (its own acks against broadcasts) holds.
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
