import type { Socket as TcpSocket } from 'node:net';
import { WebSocket } from 'ws';
import type { SharedJson } from '../connection/json-text.js';
import type { WrittenAgainst } from './written-against.js';

export const WRITTEN_AGAINST: WrittenAgainst = { 'engine.io': '6.6.12', 'ws (engine.io)': '8.21.3', ws: '8.22.0' };

/*
 * Frames written to an Engine.IO session's TCP socket past engine.io (PrebuiltFrameBroadcast, answerAcksDirectly),
 * and when that is safe: only when nothing can be ahead of the frame in engine.io's hands. The session is open on the
 * websocket transport (Engine.IO 4), not upgrading, with an empty write buffer, a writable transport (engine.io's
 * previous write has completed) and no per-message compression. engine.io writes every frame of a session to the same
 * TCP socket, synchronously, so a direct write lands in the order the server produced it.
 */

/**
 * The private parts of engine.io 6.6.12 (pinned in package.json) and of the `ws` WebSocket under its websocket
 * transport (engine.io's own `ws` ~8.21: `_socket`, the TCP socket every frame of the session goes through) that the
 * direct write relies on; test/prebuilt-frame-broadcast.e2e-spec.ts and test/direct-acks.e2e-spec.ts fail if they move.
 */
export interface Session {
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
export function directlyWritable(session: Session): TcpSocket | undefined {
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

/**
 * One unmasked, uncompressed WebSocket text frame holding the Engine.IO 4 message packet ("4" + the socket.io
 * packet), or undefined when the packet is not a single string (binary attachments go through socket.io).
 */
export function textFrame(encoded: unknown[]): Buffer | undefined {
  if (encoded.length !== 1 || typeof encoded[0] !== 'string') return undefined;
  return Buffer.concat(textFrameChunks([encoded[0]]));
}

/**
 * The same frame as chunks to write in order, for a packet in pieces (`packetPieces`, json-text.ts): the header, then
 * each piece's UTF-8, the shared pieces' bytes as they are. A lobby's 25 KB user list goes to each socket's auth reply
 * without being joined into a string and copied into a buffer per socket.
 */
export function textFrameChunks(pieces: readonly (string | SharedJson)[]): Buffer[] {
  const chunks: Buffer[] = [Buffer.alloc(0)];
  let length = 0;
  pieces.forEach((piece, i) => {
    const bytes = typeof piece === 'string' ? Buffer.from(i === 0 ? `4${piece}` : piece) : piece.bytes;
    chunks.push(bytes);
    length += bytes.length;
  });
  chunks[0] = textFrameHeader(length);
  return chunks;
}

/** An unmasked, final text frame's header for a payload of `length` bytes (RFC 6455, section 5.2). */
function textFrameHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([0x81, length]);
  if (length < 0x10000) {
    const header = Buffer.from([0x81, 126, 0, 0]);
    header.writeUInt16BE(length, 2);
    return header;
  }
  const header = Buffer.from([0x81, 127, 0, 0, 0, 0, 0, 0, 0, 0]);
  header.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
  header.writeUInt32BE(length >>> 0, 6);
  return header;
}
