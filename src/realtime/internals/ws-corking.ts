import type { Socket as TcpSocket } from 'node:net';
import type { WebSocket } from 'ws';
import type { WrittenAgainst } from './written-against.js';

export const WRITTEN_AGAINST: WrittenAgainst = { ws: '8.22.0' };

/**
 * Runs `write` with the frames it sends on a `ws` WebSocket leaving together: its TCP socket (private to `ws`:
 * `_socket`) is corked meanwhile, so several frames go out in one `writev` (one system call, one segment) instead of
 * one each. What `write` sends still counts in `bufferedAmount` while corked, so the outgoing bound
 * (outgoing-bound.ts) sees all of it.
 */
export function corkedWrites(socket: WebSocket, write: () => void): void {
  const tcp = (socket as WebSocket & { _socket?: TcpSocket })._socket;
  if (!tcp?.writable) return write();
  tcp.cork();
  try {
    write();
  } finally {
    tcp.uncork();
  }
}
