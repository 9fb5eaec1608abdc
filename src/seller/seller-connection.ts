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
  /** Set by the gateway as soon as the core opens it (the session reads this object's `logDetails`). */
  session!: ConnectionSession<unknown, Push>;
  /** Who it signed in as; once welcomed, only the user is kept (the rest served the auth reply). */
  signIn: SignIn | null = null;
  readonly knownChats: KnownChats = new Map();

  get id(): string {
    return this.session.id;
  }

  /** Its fields in the connection core's log lines. */
  logDetails(): Record<string, unknown> {
    return { user: this.signIn?.user.id, chats: [...this.knownChats.keys()] };
  }
}
