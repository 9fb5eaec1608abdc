import type { ConnectionSession, Pushed } from '../realtime/connection/session.js';
import type { KnownChats, SignIn } from './seller-chat.types.js';

export interface Frame {
  command: string;
  data: unknown;
  error?: string;
}

/** A frame pushed to a connection, with the stored message it carries (if any). */
export type Push = Pushed<Frame>;

/**
 * One raw WebSocket of the seller chat and what the gateway knows of it: who it is and the chats it has been told
 * about (only these may reach it). Its lifecycle (deadline, user slot, request queue, pushes held around the auth
 * reply, revocation) is the connection core's session.
 */
export class SellerConnection {
  signIn: SignIn | null = null;
  readonly knownChats: KnownChats = new Map();

  constructor(readonly session: ConnectionSession<unknown, Push>) {}

  get id(): string {
    return this.session.id;
  }
}
