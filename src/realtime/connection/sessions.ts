import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../../common/clock.js';
import { SetMap } from '../../common/set-map.js';
import { connectionSettings } from '../../config/areas/connections.settings.js';
import { DeliveryBus, type Subscription } from '../bus/delivery-bus.js';
import { ConnectionCaps } from '../limits/connection-caps.js';
import type { ClientTransport } from './client-transport.js';
import { ConnectionMeter } from './connection-meter.js';
import { IDENTITY_CHANNEL, type IdentityChange, identityRoom } from './identity-channel.js';
import { ConnectionSession, type Pushed, type SessionDetails } from './session.js';

/** Where `open` keeps a gateway's socket object's session, for `of`: on the object (no WeakMap entry per connection). */
const SESSION = Symbol('connectionSession');

type SessionHolder = { [SESSION]?: ConnectionSession };

export interface OpenOptions {
  /** Fields for the core's log lines about this connection (read when one is written). */
  details?: SessionDetails;
  /** The connection needs no auth (a public read-only feed): no deadline. */
  authenticated?: boolean;
}

/**
 * The connection core: every gateway opens a ConnectionSession for each client connection, on whatever transport
 * (ClientTransport), and gets the same lifecycle: the auth deadline (AUTH_DEADLINE_MS), the per-user connection
 * slot, the bounded request queue (CONNECTION_QUEUE_MAX), pushes held around the auth reply (LATE_DELIVERY_WINDOW_MS)
 * and the close when the identity it signed in with is revoked or changed, on any instance. It logs each
 * connection's open and close, and counts the open ones (chatgate_connections). (Admission, the outgoing bound and the heartbeat are the transports', applied before
 * a connection reaches a gateway: handshake.ts, the adapters and SseStreams.)
 */
@Injectable()
export class Sessions implements OnModuleDestroy {
  private readonly logger = new Logger('Connections');
  /** Sessions signed in as a user, by user id: what an identity change closes. */
  private readonly byUser = new SetMap<number, ConnectionSession>();
  /** Subscribed with the first signed-in connection: a module compiled without an app holds none. */
  private identity: Subscription | null = null;
  readonly queueMax: number;
  readonly lateDeliveryWindowMs: number;
  private readonly authDeadlineMs: number;
  /** Open connections by protocol; each protocol's count is registered with the meter at its first connection. */
  private readonly openCounts = new Map<string, number>();

  constructor(
    private readonly caps: ConnectionCaps,
    @Inject(connectionSettings.KEY) connections: ConfigType<typeof connectionSettings>,
    readonly clock: Clock,
    private readonly bus: DeliveryBus,
    private readonly meter: ConnectionMeter,
  ) {
    this.queueMax = connections.queueMax;
    this.lateDeliveryWindowMs = connections.lateDeliveryWindowMs;
    this.authDeadlineMs = connections.authDeadlineMs;
  }

  onModuleDestroy(): void {
    this.identity?.close();
  }

  /** A gateway serving `protocol` is up: its open connections are counted (at 0) from now, not from its first one. */
  declare(protocol: string): void {
    if (this.openCounts.has(protocol)) return;
    this.openCounts.set(protocol, 0);
    this.meter.countConnections(protocol, () => this.openCounts.get(protocol) ?? 0);
  }

  /** Opens the session of a new connection (`client`: the gateway's own socket object, for `of`). */
  open<Frame, Push extends Pushed<Frame> = Pushed<Frame>>(
    client: object,
    protocol: string,
    transport: ClientTransport<Frame>,
    options: OpenOptions = {},
  ): ConnectionSession<Frame, Push> {
    const session = new ConnectionSession<Frame, Push>(protocol, transport, this, options.details);
    (client as SessionHolder)[SESSION] = session;
    if (options.authenticated) session.established();
    else session.startDeadline(this.authDeadlineMs);
    transport.onClose(session);
    this.declare(protocol);
    this.openCounts.set(protocol, this.openCounts.get(protocol)! + 1);
    // Per connection: the line is not even built unless it is written (LOG_LEVEL=debug).
    if (Logger.isLevelEnabled('debug'))
      this.logger.debug({
        event: 'connection_open',
        protocol,
        connection: transport.id,
        address: transport.address,
      });
    return session;
  }

  /** The session `open` made for a gateway's socket object. */
  of<Frame = unknown, Push extends Pushed<Frame> = Pushed<Frame>>(
    client: object,
  ): ConnectionSession<Frame, Push> | undefined {
    return (client as SessionHolder)[SESSION] as ConnectionSession<Frame, Push> | undefined;
  }

  acquireUser(userId: number): boolean {
    return this.caps.acquireUser(userId);
  }

  watchUser(session: ConnectionSession, userId: number): void {
    // The user's sockets signed in with one token (a page's tabs, its reconnects) hold one copy of its hash: each
    // auth parsed its own. Its first other session usually has it.
    const tokenHash = session.tokenHash;
    if (tokenHash !== undefined) {
      for (const other of this.byUser.of(userId)) {
        if (other.tokenHash === tokenHash) {
          session.tokenHash = other.tokenHash;
          break;
        }
      }
    }
    this.byUser.add(userId, session);
    this.identity ??= this.bus.subscribe(IDENTITY_CHANNEL, ({ data }) => this.revoke(data));
    void this.identity.watch(identityRoom(userId));
  }

  unwatchUser(session: ConnectionSession, userId: number): void {
    this.caps.releaseUser(userId);
    this.byUser.delete(userId, session);
    this.identity?.unwatch(identityRoom(userId));
  }

  overflowed(session: ConnectionSession): void {
    this.meter.refused(session.protocol, 'connection_queue');
    this.logger.warn({
      event: 'queue_overflow',
      protocol: session.protocol,
      connection: session.id,
      ...session.logDetails(),
    });
    session.transport.close('queue_overflow');
  }

  /** A session's transport closed (ConnectionSession.connectionClosed). */
  closed(session: ConnectionSession): void {
    this.openCounts.set(session.protocol, (this.openCounts.get(session.protocol) ?? 1) - 1);
    if (Logger.isLevelEnabled('debug'))
      this.logger.debug({
        event: 'connection_close',
        protocol: session.protocol,
        connection: session.id,
        ...session.logDetails(),
      });
    session.ended();
  }

  /**
   * A revoked token or a changed user: its connections are closed, so nobody keeps powers they lost (neither
   * protocol can change a connection's identity in place). A change naming one token closes the connections that
   * signed in with it, and those that signed in without naming theirs.
   */
  private revoke({ userId, tokenHash }: IdentityChange): void {
    for (const session of [...this.byUser.of(userId)]) {
      if (tokenHash === undefined || session.tokenHash === undefined || session.tokenHash === tokenHash)
        session.transport.close('revoked');
    }
  }
}
