import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SetMap } from '../../common/set-map.js';
import { LobbyService } from '../../lobby/lobby.service.js';
import { LOBBY_CHANNEL, lobbyRoom } from '../../lobby/lobby.types.js';
import { DeliveryBus, type Subscription } from '../../realtime/bus/delivery-bus.js';
import type { ConnectionSession } from '../../realtime/connection/session.js';
import type { SseEvent } from '../../realtime/transports/sse-client-transport.js';
import type { AdmittedStream } from '../../realtime/transports/sse-streams.js';

/**
 * Who follows which lobby: each stream watches its lobby's room on the delivery bus (typed: LOBBY_CHANNEL's
 * events) and is sent every broadcast of it, as the lobby's sockets are. It reads nothing else.
 */
@Injectable()
export class LobbyFeed implements OnModuleDestroy {
  private readonly readers = new SetMap<string, ConnectionSession<SseEvent>>();
  /** Subscribed with the first reader: a module compiled without an app holds none. */
  private subscription: Subscription | null = null;

  constructor(
    private readonly bus: DeliveryBus,
    private readonly lobby: LobbyService,
  ) {}

  onModuleDestroy(): void {
    this.subscription?.close();
  }

  /**
   * The lobby an anonymous reader from `origin` may read, by the lobby's own rules (LobbyService.authenticate):
   * its chat id, or a LobbyRefusal (`app_not_found`, `origin_not_allowed`).
   */
  async lobbyOf(appId: number, origin: string | undefined): Promise<number> {
    return (await this.lobby.authenticate(appId, null, origin)).chatId;
  }

  /**
   * Watches the lobby, then opens the stream: from the moment its response starts, it is sent every broadcast of
   * the lobby, until it closes.
   */
  async follow(chatId: number, stream: AdmittedStream): Promise<void> {
    const room = lobbyRoom(chatId);
    this.subscription ??= this.bus.subscribe(LOBBY_CHANNEL, ({ room, event, data }) => {
      for (const reader of this.readers.of(room)) reader.send({ event, data });
    });
    const subscription = this.subscription;
    await subscription.watch(room);
    const reader = stream.open();
    if (!reader) return subscription.unwatch(room);
    this.readers.add(room, reader);
    reader.transport.onClose(() => {
      this.readers.delete(room, reader);
      subscription.unwatch(room);
    });
  }
}
