import type { Server, Socket } from 'socket.io';
import type { Clock } from '../common/clock.js';
import { SetMap } from '../common/set-map.js';
import type { Metrics } from '../operations/metrics.js';
import type { Delivery } from '../realtime/bus/delivery-bus.js';
import { PrebuiltFrameBroadcast } from '../realtime/internals/prebuilt-frame-broadcast.js';
import type { ConnectionSession, Pushed } from '../realtime/connection/session.js';
import type { IoFrame } from '../realtime/transports/io-client-transport.js';
import type { LobbyChannelEvents, LobbyEvents } from './lobby.types.js';

/**
 * The lobby's fan-out on this instance. Each delivery goes to the room in one broadcast (framed once and written
 * straight to the members' sockets where engine.io holds nothing for them: prebuilt-frame-broadcast.ts), except to
 * sockets whose auth reply is being built (their connection's gate holds it, to send right after the reply) and
 * sockets whose reply, just sent, already reflects it (a late remote delivery of a message in their history, or of
 * a join their user list shows).
 */
export class LobbyFanout {
  /** Connections whose auth reply is being built, by lobby room: not in the socket.io room yet. */
  private readonly entering = new SetMap<string, ConnectionSession<IoFrame>>();
  /** Connections recently sent a reply, by lobby room, while their gate remembers what it held. */
  private readonly fresh = new SetMap<string, ConnectionSession<IoFrame>>();
  private readonly broadcast: PrebuiltFrameBroadcast;

  constructor(
    private readonly server: Server,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {
    this.broadcast = new PrebuiltFrameBroadcast(server);
  }

  /** What is delivered to `room` goes to `connection`'s gate until `join`: its auth reply is being built. */
  hold(room: string, connection: ConnectionSession<IoFrame>): void {
    this.entering.add(room, connection);
  }

  /** The auth failed or the socket left. */
  abandon(room: string, connection: ConnectionSession<IoFrame>): void {
    this.entering.delete(room, connection);
    this.forget(room, connection);
  }

  /** The auth reply is going out: the socket joins the room (its gate sends what it held right after). */
  join(room: string, socket: Socket, connection: ConnectionSession<IoFrame>): void {
    this.entering.delete(room, connection);
    void socket.join(room);
    this.forgetSettled(room);
    this.fresh.add(room, connection);
  }

  forget(room: string, connection: ConnectionSession<IoFrame>): void {
    this.fresh.delete(room, connection);
  }

  deliver(delivery: Delivery<LobbyChannelEvents>): void {
    if (delivery.event === 'closed') return this.close(delivery.room);
    const { room, event, data, exceptConnection } = delivery;
    for (const connection of this.entering.of(room)) {
      // Only taken while held: once the gate stops holding (a failed auth, its reply out), the room has the socket.
      if (connection.id !== exceptConnection) connection.gate.take(heldPush(delivery));
    }
    const except = this.alreadySent(delivery);
    if (exceptConnection) except.push(exceptConnection);
    const receivers = this.broadcast.emit(room, except, event, data);
    if (event === 'new_message') this.metrics.messagesDelivered.inc('lobby', receivers);
  }

  /**
   * The lobby is gone (its app was deleted): its sockets here are disconnected, those being welcomed too (their
   * auth sees the socket closed and leaves). A reconnect's `auth` hears `app_not_found`.
   */
  private close(room: string): void {
    for (const connection of [...this.entering.of(room)]) connection.transport.close('removed');
    this.server.in(room).disconnectSockets(true);
  }

  /**
   * Forgets the room's oldest just-welcomed connections whose window has passed (they were added in the order they
   * were welcomed, so those come first), and they drop their gates: in a lobby nobody speaks in, no delivery comes
   * to do it, and each would keep its entry and gate for as long as it stays.
   */
  private forgetSettled(room: string): void {
    const now = this.clock.now();
    const settled: ConnectionSession<IoFrame>[] = [];
    for (const connection of this.fresh.of(room)) {
      if (!connection.settled(now)) break;
      settled.push(connection);
    }
    for (const connection of settled) this.forget(room, connection);
  }

  /** Sockets of the room whose just-sent auth reply already reflects this delivery. */
  private alreadySent(delivery: Delivery<LobbyEvents>): string[] {
    const sockets: string[] = [];
    const now = this.clock.now();
    for (const connection of this.fresh.of(delivery.room)) {
      if (connection.settled(now)) this.forget(delivery.room, connection);
      else if (connection.alreadySent(delivery, now)) sockets.push(connection.id);
    }
    return sockets;
  }
}

/** A delivery held for a connection being welcomed (its event and payload are the socket.io frame). */
function heldPush(delivery: Delivery<LobbyEvents>): Pushed<IoFrame> {
  return { frame: delivery, messageId: delivery.messageId, presenceVersion: delivery.presenceVersion };
}
