import type { Socket as EngineSocket } from 'engine.io';
import { Socket } from 'socket.io';
import type { Packet } from 'socket.io-parser';
import { packetPieces } from '../connection/json-text.js';
import { directlyWritable, type Session, textFrame, textFrameChunks } from './direct-frames.js';
import { writeDirect } from './outgoing-bound.js';
import type { WrittenAgainst } from './written-against.js';

export const WRITTEN_AGAINST: WrittenAgainst = { 'socket.io': '4.8.3', 'engine.io': '6.6.12' };

type AckFn = (...args: unknown[]) => void;

/** socket.io-parser's ACK packet type. */
const ACK = 3;

/**
 * Makes the socket's acks go straight to its TCP socket where PrebuiltFrameBroadcast's broadcasts do (direct-frames.ts),
 * and through socket.io otherwise. Every lobby message is answered with an ack, and socket.io's path for one
 * (a packet, its encoding and binary scan, engine.io's packet, write buffer, flush and drain, a write callback) took
 * about 4 % of the intake's busy time; written directly it also joins its message's broadcast in one `writev`.
 *
 * socket.io 4.8.3 (pinned) makes each incoming event's ack function with its private `Socket#ack(id)`, which holds
 * the packet id; an own `ack` on the socket takes its place: one function for every socket, reading the socket from
 * `this` (socket.io calls `this.ack(id)`), so a socket holds no closure for it. Like socket.io's, the function
 * answers once.
 */
export function answerAcksDirectly(socket: Socket): void {
  (socket as unknown as AckingSocket).ack = directAck;
}

interface AckingSocket {
  ack(this: Socket, id: number): AckFn;
}

const throughSocketIo = (Socket.prototype as unknown as AckingSocket).ack;

function directAck(this: Socket, id: number): AckFn {
  let sent = false;
  return (...args) => {
    if (sent) return;
    sent = true;
    const tcp = directlyWritable(this.conn as unknown as Session);
    const chunks = tcp && frameChunks(this, { type: ACK, id, nsp: this.nsp.name, data: args });
    if (!tcp || !chunks) return throughSocketIo.call(this, id)(...args);
    for (const chunk of chunks) writeDirect(this.conn as unknown as EngineSocket, tcp, chunk);
  };
}

/** The ack's WebSocket frame, as chunks to write in order; undefined when socket.io must send it (binary parts). */
function frameChunks(socket: Socket, packet: Packet): Buffer[] | undefined {
  const pieces = packetPieces(packet);
  if (pieces) return textFrameChunks(pieces);
  const frame = textFrame(socket.nsp.server.encoder.encode(packet));
  return frame && [frame];
}
