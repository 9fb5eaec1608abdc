import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { UserDirectory, type DirectoryApp, type DirectoryUser } from '../auth/user-directory.js';
import { ChatsService } from '../chats/chats.service.js';
import { SharedReads } from '../common/shared-reads.js';
import { codePoints, isBlank, isStorableText } from '../common/text.js';
import { lobbySettings } from '../config/areas/lobby.settings.js';
import { MessagesService, type StoredMessage } from '../messages/messages.service.js';
import { LobbySettingsService } from '../moderation/lobby-settings.service.js';
import { type MuteView, MutesService } from '../mutes/mutes.service.js';
import { Metrics } from '../operations/metrics.js';
import { type DeliveryEnvelope, DeliveryBus } from '../realtime/bus/delivery-bus.js';
import { RateLimiterFactory, take } from '../realtime/limits/rate-limiter.factory.js';
import { normalize as normalizeOrigin } from '../realtime/limits/origin-check.js';
import type { PresenceSnapshot } from '../realtime/presence/presence-store.js';
import { PresenceService } from '../realtime/presence/presence.service.js';
import { type LobbyRole, unameKey } from '../users/roles.js';
import type { WebhookEvent } from '../webhooks/webhook-events.js';
import { WebhookSubscriptions } from '../webhooks/webhook-subscriptions.js';
import { isCommandText, parseCommand } from './lobby-commands.js';
import { LobbyRefusal } from './lobby-errors.js';
import { LobbyModeration } from './lobby-moderation.js';
import { LobbyRooms } from './lobby-rooms.js';
import { LobbyCatchUp } from './lobby-catch-up.js';
import type { LobbyHistory } from './lobby-history.js';
import { toLobbyMessage } from './lobby-history.js';
import {
  LOBBY_CHANNEL,
  type LobbyBroadcast,
  type LobbyEvents,
  type LobbyMember,
  type LobbyMessage,
  type LobbyWelcome,
  type LobbySession,
  isLobbyRoom,
  lobbyChatId,
  lobbyRoom,
  type SayOutcome,
} from './lobby.types.js';

const STAFF_ROLES: readonly LobbyRole[] = ['owner', 'admin', 'mod'];

/**
 * The lobby's rules: who may enter and as whom, who is present, what may be said and who may mute.
 * It knows nothing of socket.io: the gateway hands it parsed input and connection ids, and every broadcast
 * leaves through the delivery bus, after whatever it announces has been stored.
 */
@Injectable()
export class LobbyService {
  /** `new_message`s (commands included) per user and window, whatever the lobby: members' and staff's. */
  private readonly memberRate: ReturnType<RateLimiterFactory['create']>;
  private readonly staffRate: ReturnType<RateLimiterFactory['create']>;
  /**
   * The session last made for each user, by the directory's object for them: the user's other sockets in the same
   * lobby, with the same role, share it while the directory hands out that object (its cache), instead of holding
   * a session and a member each. Nobody changes a session or its member.
   */
  private readonly sessionOf = new WeakMap<DirectoryUser, LobbySession>();
  /** Presence snapshots shared by the sockets entering a lobby together, by chat id. */
  private readonly presentUsers = new SharedReads<number, PresenceSnapshot<LobbyMember>>();

  constructor(
    private readonly directory: UserDirectory,
    private readonly chats: ChatsService,
    private readonly messages: MessagesService,
    private readonly mutes: MutesService,
    private readonly rooms: LobbyRooms,
    private readonly catchUp: LobbyCatchUp,
    private readonly presence: PresenceService,
    private readonly bus: DeliveryBus,
    @Inject(lobbySettings.KEY) private readonly config: ConfigType<typeof lobbySettings>,
    private readonly metrics: Metrics,
    private readonly moderation: LobbyModeration,
    private readonly settings: LobbySettingsService,
    private readonly webhooks: WebhookSubscriptions,
    limiters: RateLimiterFactory,
  ) {
    this.memberRate = limiters.create({
      keyPrefix: 'lobby-messages',
      points: config.rateMessages,
      durationMs: config.rateWindowMs,
    });
    this.staffRate = limiters.create({
      keyPrefix: 'lobby-staff-messages',
      points: config.staffRateMessages,
      durationMs: config.staffRateWindowMs,
    });
    // A member whose instance vanished leaves as if its last socket had closed; one put back after a presence
    // store outage arrives again.
    presence.onChange(({ kind, place, member, version }) => {
      if (!isLobbyRoom(place)) return;
      const event = kind === 'departed' ? 'user_left' : 'user_joined';
      // Lobby places hold only the LobbyMembers `enter` put there (as `snapshot<LobbyMember>` reads them).
      const data = member as LobbyMember;
      this.bus.publish(LOBBY_CHANNEL, { room: place, event, data, ...presenceChange(data, version) });
    });
    // What a lobby's watchers on this instance missed while its link to the others was down: its stored messages.
    bus.recoverWith(LOBBY_CHANNEL, async (room, afterId, limit) => {
      const { messages, complete } = await this.messages.after(lobbyChatId(room), afterId, limit);
      const deliveries = messages.map((message) => ({
        room,
        event: 'new_message' as const,
        data: toLobbyMessage(message),
        messageId: message.id,
      }));
      return { deliveries, complete };
    });
  }

  /**
   * Who a connection is in an app's lobby. An unknown token hash (or none) means an anonymous reader. A page
   * whose origin the app does not list is refused (a connection without an Origin is not a page).
   */
  async authenticate(appId: number, tokenHash: string | null, origin?: string): Promise<LobbySession> {
    const app = await this.directory.findApp(appId);
    if (!app) throw new LobbyRefusal('app_not_found');
    if (origin !== undefined && app.origins?.length && !app.origins.includes(normalizeOrigin(origin))) {
      throw new LobbyRefusal('origin_not_allowed');
    }
    const user = tokenHash ? await this.directory.findUserByTokenHash(tokenHash) : null;
    const chatId = await this.chats.lobbyIdFor(appId);
    if (!user) return { appId, chatId, member: null };
    const role = roleIn(app, user);
    const last = this.sessionOf.get(user);
    const member = last?.member;
    if (last?.appId === appId && last.chatId === chatId && member?.role === role && member.uname === user.uname)
      return last;
    const session = { appId, chatId, member: { id: user.id, uname: user.uname, role } };
    this.sessionOf.set(user, session);
    return session;
  }

  /**
   * Marks the connection present and returns the room as it now is, with the presence version its user list
   * is as of, and the id up to which the connection now holds every message of the lobby (null when history is
   * off). Announces the member's first connection. With `since` (the last message id the reader holds), the history
   * is what it missed instead, with `recovered` and `deleted` (docs/recovery.md).
   */
  async enter(
    session: LobbySession,
    connectionId: string,
    since: number | null = null,
  ): Promise<{ welcome: LobbyWelcome; presenceVersion: number; heldUpTo: number | null }> {
    const { chatId, member } = session;
    await this.rooms.opened(chatId);
    let recent: LobbyHistory;
    let mutes: MuteView[];
    let slowMode: number;
    let caughtUp: Awaited<ReturnType<LobbyCatchUp['after']>> | null = null;
    try {
      [recent, mutes, { slowModeSeconds: slowMode }] = await Promise.all([
        this.rooms.history(chatId, () => this.catchUp.recent(chatId)),
        this.mutes.active(chatId),
        this.settings.rulesOf(session.appId),
      ]);
      if (since !== null) caughtUp = await this.catchUp.after(session, recent, since);
    } catch (error) {
      this.rooms.closed(chatId);
      throw error;
    }
    const joined = member && (await this.presence.join(lobbyRoom(chatId), member, connectionId));
    if (joined)
      this.publish(session, 'user_joined', member, {
        exceptConnection: connectionId,
        ...presenceChange(member, joined),
      });
    // Read after this socket's own join, so its user is in the list and the version covers that join; sockets
    // entering together share the read (SharedReads: none of them gets one that started before its join).
    const present = await this.presentUsers.read(chatId, () => this.presence.snapshot<LobbyMember>(lobbyRoom(chatId)));
    const welcome = {
      ...(member ? { user: member } : {}),
      room: {
        users: this.rooms.userList(chatId, present.members),
        history: caughtUp ? caughtUp.history : recent.messages,
        muteList: Object.fromEntries(mutes.map((mute) => [mute.uname, mute])),
        slowMode,
        ...(caughtUp ? { recovered: caughtUp.recovered, deleted: caughtUp.deleted } : {}),
      },
    };
    const sent = welcome.room.history;
    // A reader that said what it holds has the lobby's newest message too (its `since` is its word, not a fact: a
    // bus repair must never start past what was read here).
    const heldUpTo =
      since !== null
        ? Math.max(sent.at(-1)?.id ?? 0, recent.messages.at(-1)?.id ?? 0)
        : sent.length > 0
          ? sent[sent.length - 1].id
          : this.config.historySize > 0
            ? 0
            : null;
    return { welcome, presenceVersion: present.version, heldUpTo };
  }

  /** Forgets a connection; announces the member's last one leaving. */
  async leave(session: LobbySession, connectionId: string): Promise<void> {
    this.rooms.closed(session.chatId);
    if (!session.member) return;
    const left = await this.presence.leave<LobbyMember>(lobbyRoom(session.chatId), session.member.id, connectionId);
    if (left) this.publish(session, 'user_left', left.member, presenceChange(left.member, left.version));
  }

  /** Handles what a member typed: a message for everyone, or a staff command. Checks run in the protocol's order. */
  async say(session: LobbySession, text: unknown): Promise<SayOutcome> {
    const { member } = session;
    if (!member) throw new LobbyRefusal('user_required');
    const staff = STAFF_ROLES.includes(member.role);
    // Before anything costs a query: a flood is turned away without touching the store or the bus. Staff have
    // their own allowance, since muting a wave of spammers takes many commands in a row.
    if (!(await take(staff ? this.staffRate : this.memberRate, member.id))) throw new LobbyRefusal('rate_limited');
    if (!staff && (await this.mutes.isMuted(session.chatId, member.uname))) throw new LobbyRefusal('muted');
    if (typeof text !== 'string') throw new LobbyRefusal('text_not_string');
    const trimmed = text.trim();
    const length = codePoints(trimmed); // an emoji is one character
    // Invisible-only text is empty; NUL and lone surrogates cannot be stored alike everywhere: the length error.
    if (length > this.config.messageMax || isBlank(trimmed) || !isStorableText(trimmed))
      throw new LobbyRefusal('text_length');
    if (isCommandText(trimmed)) {
      if (!staff) throw new LobbyRefusal('not_authorized');
      return this.moderation.command(session, member, parseCommand(trimmed));
    }
    // Chatgate's own rules after the protocol's (docs/moderation.md): the lobby's filter and slow mode.
    if (!staff) await this.moderation.admit(session, member, trimmed);
    const stored = await this.messages.append({
      chatId: session.chatId,
      authorId: member.id,
      authorName: member.uname,
      authorRole: member.role,
      text: trimmed,
      event: this.webhooks.wants('lobby.message.created') ? (message) => messageCreated(session.appId, message) : null,
    });
    this.metrics.messagesStored.inc('lobby');
    this.publish(session, 'new_message', toLobbyMessage(stored), { messageId: stored.id });
    return { kind: 'posted' };
  }

  /** The app's lobby was deleted (AppsService.remove): every instance disconnects its sockets. */
  closed(lobbyChatId: number): void {
    this.bus.publish(LOBBY_CHANNEL, { room: lobbyRoom(lobbyChatId), event: 'closed', data: null });
  }

  /** An app's recent lobby messages, oldest first, for the site's back office. */
  async history(appId: number, limit: number): Promise<LobbyMessage[]> {
    const chatId = await this.chats.findLobbyId(appId);
    return chatId === null ? [] : (await this.messages.recent(chatId, limit)).map(toLobbyMessage);
  }

  private publish<Event extends LobbyBroadcast>(
    session: LobbySession,
    event: Event,
    data: LobbyEvents[Event],
    extra: Pick<DeliveryEnvelope, 'exceptConnection' | 'messageId' | 'presenceVersion' | 'presenceOf'> = {},
  ): void {
    this.bus.publish(LOBBY_CHANNEL, { room: lobbyRoom(session.chatId), event, data, ...extra });
  }
}

/** What orders a member's change among its others on the bus (DeliveryBus, "Presence in order"). */
function presenceChange(
  member: LobbyMember,
  version: number,
): Pick<DeliveryEnvelope, 'presenceVersion' | 'presenceOf'> {
  return { presenceVersion: version, presenceOf: String(member.id) };
}

/** Owners outrank everything; an app's own mods are mods in its lobby unless their global role is higher. */
function roleIn(app: DirectoryApp, user: DirectoryUser): LobbyRole {
  const key = unameKey(user.uname);
  if (app.owners.some((owner) => unameKey(owner) === key)) return 'owner';
  if (user.role === 'member' && app.mods.some((mod) => unameKey(mod) === key)) return 'mod';
  return user.role;
}

/** `lobby.message.created`: the message as the lobby shows it, with its app and time. */
function messageCreated(appId: number, message: StoredMessage): WebhookEvent {
  const data = { appId, message: { ...toLobbyMessage(message), createdAt: new Date(message.createdAt).toISOString() } };
  return { type: 'lobby.message.created', appId, sellerId: null, data };
}
