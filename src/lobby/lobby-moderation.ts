import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ChatsService } from '../chats/chats.service.js';
import { InvalidInputError } from '../common/refusal.js';
import { isRowId } from '../common/row-id.js';
import { lobbySettings } from '../config/areas/lobby.settings.js';
import { MessagesService, type StoredMessage } from '../messages/messages.service.js';
import { LobbySettingsService } from '../moderation/lobby-settings.service.js';
import { ModerationLog } from '../moderation/moderation-log.service.js';
import { SlowModeService } from '../moderation/slow-mode.service.js';
import { type MuteView, MutesService } from '../mutes/mutes.service.js';
import { DeliveryBus } from '../realtime/bus/delivery-bus.js';
import type { WebhookEvent } from '../webhooks/webhook-events.js';
import { WebhookSubscriptions } from '../webhooks/webhook-subscriptions.js';
import type { LobbyCommand } from './lobby-commands.js';
import { LobbyRefusal, SlowModeRefusal } from './lobby-errors.js';
import { slowModeText } from './lobby-replies.js';
import {
  LOBBY_CHANNEL,
  type LobbyBroadcast,
  type LobbyEvents,
  type LobbyMember,
  type LobbySession,
  lobbyRoom,
  type SayOutcome,
} from './lobby.types.js';

/** A lobby by its app and chat ids: settings and the log are per app, messages and mutes per chat. */
type Lobby = Pick<LobbySession, 'appId' | 'chatId'>;

/**
 * The lobby's moderation: the staff commands, what the API does to a lobby (deleting a message, setting slow mode),
 * and the rules a member's message must pass (the filter, slow mode). Every action is recorded in the moderation
 * log and announced to the lobby, on every instance, through the delivery bus.
 */
@Injectable()
export class LobbyModeration {
  constructor(
    private readonly chats: ChatsService,
    private readonly messages: MessagesService,
    private readonly mutes: MutesService,
    private readonly settings: LobbySettingsService,
    private readonly slowMode: SlowModeService,
    private readonly log: ModerationLog,
    private readonly bus: DeliveryBus,
    private readonly webhooks: WebhookSubscriptions,
    @Inject(lobbySettings.KEY) private readonly config: ConfigType<typeof lobbySettings>,
  ) {}

  /**
   * Refuses a member's message that the lobby's filter blocks or that slow mode holds back (filter first, so a
   * blocked message does not use up the member's turn). A message that passes counts as the member's post.
   */
  async admit(lobby: Lobby, member: LobbyMember, text: string): Promise<void> {
    const rules = await this.settings.rulesOf(lobby.appId);
    if (rules.blocks(text)) throw new LobbyRefusal('filtered');
    if (rules.slowModeSeconds === 0) return;
    const waitMs = await this.slowMode.take(lobby.chatId, member.id, rules.slowModeSeconds);
    if (waitMs > 0) throw new SlowModeRefusal(Math.ceil(waitMs / 1000));
  }

  /** Runs a staff member's command. */
  async command(lobby: Lobby, member: LobbyMember, command: LobbyCommand): Promise<SayOutcome> {
    const actor = member.uname;
    switch (command.kind) {
      case 'invalid':
        throw new LobbyRefusal(`invalid_${command.command}`);
      case 'unmute': {
        const event = this.webhooks.eventIfWanted('lobby.user.unmuted', () => ({
          appId: lobby.appId,
          sellerId: null,
          data: { appId: lobby.appId, uname: command.uname, by: actor },
        }));
        if (!(await this.mutes.unmute(lobby.chatId, command.uname, event)))
          return { kind: 'not_muted', uname: command.uname };
        await this.record(lobby, actor, 'unmute', command.uname, {});
        this.publish(lobby, 'user_unmuted', { uname: command.uname });
        return { kind: 'unmuted', uname: command.uname };
      }
      case 'mute': {
        const event = this.webhooks.wants('lobby.user.muted')
          ? (muted: MuteView): WebhookEvent => ({
              type: 'lobby.user.muted',
              appId: lobby.appId,
              sellerId: null,
              data: { appId: lobby.appId, ...muted, by: actor },
            })
          : null;
        const muting = this.mutes.mute(lobby.chatId, command.uname, command.mins, actor, event);
        const mute = await muting.catch((error) => {
          throw error instanceof InvalidInputError ? new LobbyRefusal('invalid_mute') : error;
        });
        await this.record(lobby, actor, 'mute', mute.uname, { mins: mute.mins, expires_at: mute.expires_at });
        this.publish(lobby, 'user_muted', mute);
        return { kind: 'muted', mute };
      }
      case 'delete': {
        const deleted = await this.deleteMessage(lobby, command.messageId, actor);
        return { kind: deleted ? 'deleted' : 'no_message', messageId: command.messageId };
      }
      case 'purge': {
        const count = await this.purge(lobby, command.uname, actor);
        return { kind: 'purged', uname: command.uname, count };
      }
      case 'slow': {
        const announced = await this.setSlowMode(lobby, command.seconds, actor);
        return { kind: 'slow_mode', seconds: command.seconds, announced };
      }
    }
  }

  /** Deletes one message of an app's lobby (from the API: `actor` null); false when the lobby has no such message. */
  async deleteFromApp(appId: number, messageId: number): Promise<boolean> {
    const chatId = await this.chats.findLobbyId(appId);
    return chatId !== null && this.deleteMessage({ appId, chatId }, messageId, null);
  }

  /** Sets an app's slow mode from the API; announced to its lobby when it changed. */
  async setAppSlowMode(appId: number, seconds: number): Promise<void> {
    this.settings.check({ slowModeSeconds: seconds });
    await this.setSlowMode({ appId, chatId: await this.chats.lobbyIdFor(appId) }, seconds, null);
  }

  /**
   * The one way lobby messages are deleted (the API, `/delete`, `/purge`): removed from the store, recorded in the
   * log by `record`, then one `message_deleted {id}` per message to the whole lobby, on every instance. Recorded
   * before announced: a reader reconnecting after the announcement learns of the deletion from the log
   * (docs/recovery.md). Returns the messages deleted.
   */
  async deleteMessages(
    lobby: Lobby,
    messageIds: number[],
    record: (deleted: StoredMessage[]) => Promise<void>,
  ): Promise<StoredMessage[]> {
    const event = this.webhooks.wants('lobby.message.deleted')
      ? ({ id }: StoredMessage): WebhookEvent => ({
          type: 'lobby.message.deleted',
          appId: lobby.appId,
          sellerId: null,
          data: { appId: lobby.appId, messageId: id },
        })
      : null;
    const deleted = await this.messages.remove(lobby.chatId, messageIds.filter(isRowId), event);
    if (deleted.length > 0) await record(deleted);
    for (const message of deleted) this.publish(lobby, 'message_deleted', { id: message.id });
    return deleted;
  }

  private async deleteMessage(lobby: Lobby, messageId: number, actor: string | null): Promise<boolean> {
    const [deleted] = await this.deleteMessages(lobby, [messageId], ([message]) =>
      this.record(lobby, actor, 'delete', message.authorName, { messageId }),
    );
    return deleted !== undefined;
  }

  /** Deletes `uname`'s messages among the lobby's history (its last LOBBY_HISTORY_SIZE messages). */
  private async purge(lobby: Lobby, uname: string, actor: string): Promise<number> {
    const history = await this.messages.recent(lobby.chatId, this.config.historySize);
    const theirs = history.filter((message) => message.authorName.toLowerCase() === uname).map(({ id }) => id);
    const recordPurge = (deleted: StoredMessage[]) =>
      this.record(lobby, actor, 'purge', uname, { count: deleted.length, messageIds: deleted.map(({ id }) => id) });
    const deleted = await this.deleteMessages(lobby, theirs, recordPurge);
    // A purge that found nothing is recorded too.
    if (deleted.length === 0) await recordPurge(deleted);
    return deleted.length;
  }

  /** Stores the slow mode; when it changed, records it and tells the whole lobby. True when announced. */
  private async setSlowMode(lobby: Lobby, seconds: number, actor: string | null): Promise<boolean> {
    const { before } = await this.settings.update(lobby.appId, { slowModeSeconds: seconds });
    if (before.slowModeSeconds === seconds) return false;
    await this.record(lobby, actor, 'slow_mode', null, { seconds });
    this.publish(lobby, 'system_message', slowModeText(seconds));
    return true;
  }

  private record(
    lobby: Lobby,
    actor: string | null,
    action: Parameters<ModerationLog['record']>[0]['action'],
    target: string | null,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.log.record({ appId: lobby.appId, actor, action, target, details });
  }

  private publish<Event extends LobbyBroadcast>(lobby: Lobby, event: Event, data: LobbyEvents[Event]): void {
    this.bus.publish(LOBBY_CHANNEL, { room: lobbyRoom(lobby.chatId), event, data });
  }
}
