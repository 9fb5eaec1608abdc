import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { PushGate, type Sequenced } from '../realtime/connection/push-gate.js';
import type { AuthDeadline } from '../realtime/limits/auth-deadline.js';
import { SerialQueue } from '../realtime/connection/serial-queue.js';
import type { KnownChats, SignIn } from './seller-chat.types.js';

export interface Frame {
  command: string;
  data: unknown;
  error?: string;
}

/** A frame pushed to a connection, with the stored message it carries (if any). */
export interface Push extends Sequenced {
  frame: Frame;
}

/**
 * One raw WebSocket of the seller chat and what the gateway knows of it: who it is, the chats it has been told
 * about (only these may reach it), its requests in order (a bounded queue), and the gate that holds pushes
 * while its auth reply is being built and drops the ones its history already held.
 */
export class SellerConnection {
  readonly id = randomUUID();
  signIn: SignIn | null = null;
  readonly knownChats: KnownChats = new Map();
  readonly gate = new PushGate<Push>();
  readonly queue: SerialQueue;
  /** Closes the connection if it has not signed in within AUTH_DEADLINE_MS (set by the gateway on connection). */
  deadline!: AuthDeadline;

  constructor(
    readonly socket: WebSocket,
    queueMax: number,
    /** The client's address, for the per-address auth limits. */
    readonly address: string,
  ) {
    this.queue = new SerialQueue(queueMax);
  }

  /** Sends a frame now, or holds it while an auth reply is being built. */
  push(push: Push): void {
    if (!this.gate.take(push)) this.send(push.frame);
  }

  send(frame: Frame): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(frame));
  }
}
