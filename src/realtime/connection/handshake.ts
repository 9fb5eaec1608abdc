import type { IncomingMessage } from 'node:http';

/** Why a connection attempt is turned away before any protocol traffic: an HTTP status and a short reason. */
export interface HandshakeRefusal {
  status: number;
  reason: string;
}

/** Which transport a handshake is for: socket.io (any of its transports) or a raw-ws gateway, by name. */
export type HandshakeTransport = { kind: 'socket.io' } | { kind: 'ws'; gateway: string };

/**
 * What a check may ask of the connection it admits: `onClose` runs once that connection ends (or at once if the
 * attempt never becomes a connection), which is how a check that counts connections gives its slot back.
 */
export interface HandshakeLifecycle {
  onClose(release: () => void): void;
}

/**
 * The one place a connection attempt is judged before it becomes a socket: origin allowlists and connection
 * caps go here. Each adapter calls it at its handshake: ChatgateIoAdapter through engine.io's `allowRequest`,
 * RawWsAdapter in its upgrade listener. Null admits. A check may be asynchronous (a limiter's store).
 */
export type HandshakeCheck = (
  request: IncomingMessage,
  transport: HandshakeTransport,
  lifecycle: HandshakeLifecycle,
) => HandshakeRefusal | null | Promise<HandshakeRefusal | null>;

/**
 * Runs checks in order; the first refusal wins, and what the checks before it took is given back at once.
 * Resolves with the refusal (or null) and the releases the caller must run when the connection ends.
 */
export function allOf(checks: HandshakeCheck[]) {
  return async (request: IncomingMessage, transport: HandshakeTransport): Promise<Admission> => {
    const releases: (() => void)[] = [];
    const lifecycle = { onClose: (release: () => void) => void releases.push(release) };
    const release = () => releases.splice(0).forEach((run) => run());
    try {
      for (const check of checks) {
        const refusal = await check(request, transport, lifecycle);
        if (refusal) {
          release();
          return { refusal, release: () => {} };
        }
      }
    } catch (error) {
      release();
      throw error;
    }
    return { refusal: null, release };
  };
}

/** A judged handshake: a refusal, or an admission whose `release` runs when the connection ends. */
export interface Admission {
  refusal: HandshakeRefusal | null;
  release: () => void;
}

export type Admit = ReturnType<typeof allOf>;
