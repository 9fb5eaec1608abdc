import type { IncomingMessage } from 'node:http';

/** Why a connection attempt is turned away before any protocol traffic: an HTTP status and a short reason. */
export interface HandshakeRefusal {
  status: number;
  reason: string;
}

/** Which transport a handshake is for: socket.io (any of its transports) or a raw-ws gateway, by name. */
export type HandshakeTransport = { kind: 'socket.io' } | { kind: 'ws'; gateway: string };

/**
 * The one place a connection attempt is judged before it becomes a socket: origin allowlists and connection
 * caps go here. Each adapter calls it at its handshake: ChatgateIoAdapter through engine.io's `allowRequest`,
 * RawWsAdapter in its upgrade listener. Null admits.
 */
export type HandshakeCheck = (request: IncomingMessage, transport: HandshakeTransport) => HandshakeRefusal | null;

/** Runs checks in order; the first refusal wins. */
export function allOf(checks: HandshakeCheck[]): HandshakeCheck {
  return (request, transport) => {
    for (const check of checks) {
      const refusal = check(request, transport);
      if (refusal) return refusal;
    }
    return null;
  };
}
