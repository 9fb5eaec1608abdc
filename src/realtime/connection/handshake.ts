import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';

/** Why a connection attempt is turned away before any protocol traffic: an HTTP status and a short reason. */
export interface HandshakeRefusal {
  status: number;
  reason: string;
}

/**
 * Which transport a handshake is for, and the gateway it opens a connection to, by its declared name (metrics and
 * logs say it). socket.io's handshake comes before any namespace: its name is that of the socket.io gateways.
 */
export interface HandshakeTransport {
  kind: 'socket.io' | 'ws' | 'sse';
  gateway: string;
}

/**
 * What a check may ask of the connection it admits: `onClose` runs once that connection ends (or at once if the
 * attempt never becomes a connection), which is how a check that counts connections gives its slot back.
 */
export interface HandshakeLifecycle {
  onClose(release: () => void): void;
}

/**
 * The one place a connection attempt is judged before it becomes a socket: origin allowlists and connection
 * caps go here. Each transport calls it at its handshake: ChatgateIoAdapter through engine.io's `allowRequest`,
 * RawWsAdapter in its upgrade listener, SseStreams before its response's headers. Null admits. A check may be asynchronous (a limiter's store).
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
    const releaseAll = () => releases.splice(0).forEach((run) => run());
    try {
      for (const check of checks) {
        const refusal = await check(request, transport, lifecycle);
        if (refusal) {
          releaseAll();
          return { refusal, release: NOTHING_TO_RELEASE };
        }
      }
    } catch (error) {
      releaseAll();
      throw error;
    }
    // Held as long as the connection: the one release the caps take is handed over as it is, not wrapped with this
    // call's array and scope.
    if (releases.length === 0) return { refusal: null, release: NOTHING_TO_RELEASE };
    return { refusal: null, release: releases.length === 1 ? releases[0] : releaseAll };
  };
}

/** A judged handshake: a refusal, or an admission whose `release` the caller runs once, when the connection ends. */
export interface Admission {
  refusal: HandshakeRefusal | null;
  release: () => void;
}

const NOTHING_TO_RELEASE = (): void => {};

export type Admit = ReturnType<typeof allOf>;

/**
 * The app's handshake judge, for transports that are not WebSocket adapters (SseStreams): `configureApp` gives it
 * the same checks, counted the same way, as it gives the adapters. Until then (a module compiled without an app)
 * every attempt is refused.
 */
@Injectable()
export class Handshakes {
  private judge: Admit | null = null;

  use(judge: Admit): void {
    this.judge = judge;
  }

  admit(request: IncomingMessage, transport: HandshakeTransport): Promise<Admission> {
    if (!this.judge)
      return Promise.resolve({ refusal: { status: 503, reason: 'unavailable' }, release: NOTHING_TO_RELEASE });
    return this.judge(request, transport);
  }
}
