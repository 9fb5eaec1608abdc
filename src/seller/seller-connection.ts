import type { WebSocket } from 'ws';
import type { ConnectionSession, Pushed } from '../realtime/connection/session.js';
import { KnownChats } from './known-chats.js';
import type { SignIn } from './seller-chat.types.js';

export interface Frame {
  command: string;
  data: unknown;
  error?: string;
}

/** A frame pushed to a connection, with the stored message it carries (if any). */
export type Push = Pushed<Frame>;

/** Where a socket's SellerConnection is kept: on the socket itself (no WeakMap entry per connection). */
const CONNECTION = Symbol('sellerConnection');

type ConnectionHolder = WebSocket & { [CONNECTION]?: SellerConnection };

/**
 * One raw WebSocket of the seller chat and what the gateway knows of it: who it is and the chats it has been told
 * about (only these may reach it). Its lifecycle (deadline, user slot, request queue, pushes held around the auth
 * reply, revocation) is the connection core's session.
 */
export class SellerConnection {
  /** Set by the gateway as soon as the core opens it (the session reads this object's `logDetails`). */
  session!: ConnectionSession<unknown, Push>;
  /** Who it signed in as: all it keeps of its sign-in (the rest served the auth reply; its chats are in knownChats). */
  user: SignIn['user'] | null = null;
  readonly knownChats = new KnownChats();

  /** The connection `attach` kept on a socket. */
  static of(socket: WebSocket): SellerConnection | undefined {
    return (socket as ConnectionHolder)[CONNECTION];
  }

  /** A new connection, kept on its socket. */
  static attach(socket: WebSocket): SellerConnection {
    return ((socket as ConnectionHolder)[CONNECTION] = new SellerConnection());
  }

  get id(): string {
    return this.session.id;
  }

  /** Its fields in the connection core's log lines. */
  logDetails(): Record<string, unknown> {
    return { user: this.user?.id, chats: this.knownChats.ids() };
  }
}
