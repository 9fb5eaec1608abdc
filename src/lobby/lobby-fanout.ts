import type { Server, Socket } from 'socket.io';
import type { Clock } from '../common/clock.js';
import { SetMap } from '../common/set-map.js';
import type { Metrics } from '../operations/metrics.js';
import type { Delivery } from '../realtime/bus/delivery-bus.js';
import { PrebuiltFrameBroadcast } from '../realtime/internals/prebuilt-frame-broadcast.js';
import { PushGate, type Snapshot } from '../realtime/connection/push-gate.js';
import type { LobbyChannelEvents, LobbyEvents } from './lobby.types.js';

/**
 * The lobby's fan-out on this instance. Each delivery goes to the room in one broadcast (framed once and written
 * straight to the members' sockets where engine.io holds nothing for them: prebuilt-frame-broadcast.ts), except to
 * sockets whose auth reply is being built (their gate holds it, to send right after the reply) and sockets whose
 * reply, just sent, already reflects it (a late remote delivery of a message in their history, or of a join their
 * user list shows).
 */
export class LobbyFanout {
  /** Sockets whose auth reply is being built, by lobby room. */
  private readonly entering = new SetMap<string, Socket>();
  /** Sockets recently sent a reply, by lobby room, while their gate remembers what it held. */
  private readonly fresh = new SetMap<string, Socket>();
  private readonly gates = new WeakMap<Socket, PushGate<Delivery<LobbyEvents>>>();
  private readonly broadcast: PrebuiltFrameBroadcast;

  constructor(
    private readonly server: Server,
    private readonly clock: Clock,
    private readonly lateDeliveryWindowMs: number,
    private readonly metrics: Metrics,
  ) {
    this.broadcast = new PrebuiltFrameBroadcast(server);
  }

  /** Holds what is delivered to `room` for `socket` until `release`: its auth reply is being built. */
  hold(room: string, socket: Socket): void {
    const gate = new PushGate<Delivery<LobbyEvents>>();
    gate.hold();
    this.gates.set(socket, gate);
    this.entering.add(room, socket);
  }

  /** The auth failed or the socket left: what was held is dropped. */
  abandon(room: string, socket: Socket): void {
    this.entering.delete(room, socket);
    this.forget(room, socket);
  }

  /** The auth reply is out: the socket joins the room and gets what was held, minus what the reply reflects. */
  release(room: string, socket: Socket, snapshot: Snapshot): void {
    this.entering.delete(room, socket);
    const gate = this.gates.get(socket);
    void socket.join(room);
    if (!gate) return;
    const now = this.clock.now();
    for (const held of gate.release([], snapshot, now, this.lateDeliveryWindowMs)) socket.emit(held.event, held.data);
    if (gate.remembers(now)) this.fresh.add(room, socket);
    else this.gates.delete(socket);
  }

  forget(room: string, socket: Socket): void {
    this.fresh.delete(room, socket);
    this.gates.delete(socket);
  }

  deliver(delivery: Delivery<LobbyChannelEvents>): void {
    if (delivery.event === 'closed') return this.close(delivery.room);
    const { room, event, data, exceptConnection } = delivery;
    for (const socket of this.entering.of(room)) {
      if (socket.id !== exceptConnection) this.gates.get(socket)?.take(delivery);
    }
    const except = this.alreadySent(delivery);
    if (exceptConnection) except.push(exceptConnection);
    const receivers = this.broadcast.emit(room, except, event, data);
    if (event === 'new_message') this.metrics.messagesDelivered.inc({ protocol: 'lobby' }, receivers);
  }

  /**
   * The lobby is gone (its app was deleted): its sockets here are disconnected, those being welcomed too (their
   * auth sees the socket closed and leaves). A reconnect's `auth` hears `app_not_found`.
   */
  private close(room: string): void {
    for (const socket of [...this.entering.of(room)]) socket.disconnect(true);
    this.server.in(room).disconnectSockets(true);
  }

  /** Sockets of the room whose just-sent auth reply already reflects this delivery. */
  private alreadySent(delivery: Delivery<LobbyEvents>): string[] {
    const sockets: string[] = [];
    const now = this.clock.now();
    for (const socket of this.fresh.of(delivery.room)) {
      const gate = this.gates.get(socket);
      if (!gate?.remembers(now)) this.forget(delivery.room, socket);
      else if (gate.alreadySent(delivery, now)) sockets.push(socket.id);
    }
    return sockets;
  }
}
