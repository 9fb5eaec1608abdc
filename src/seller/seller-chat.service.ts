import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ChatsService, type DirectChat } from '../chats/chats.service.js';
import { describeFault, NotFoundError } from '../common/refusal.js';
import { MessagesService, type StoredMessage } from '../messages/messages.service.js';
import { Metrics } from '../operations/metrics.js';
import { DeliveryBus } from '../realtime/bus/delivery-bus.js';
import { RateLimiterFactory, take } from '../realtime/limits/rate-limiter.factory.js';
import { PresenceService } from '../realtime/presence/presence.service.js';
import { sellerSettings } from '../config/areas/seller.settings.js';
import { Clock } from '../common/clock.js';
import { type ChatUser, ChatUsersService, type SellerView } from '../chats/chat-users.service.js';
import { WebhookSubscriptions } from '../webhooks/webhook-subscriptions.js';
import { messageCreated, toDelivered, toUnixSeconds } from './seller-messages.js';
import { type ChatHistory, SellerHistories } from './seller-histories.js';
import type { KnownChats } from './known-chats.js';
import {
  type AuthReplyData,
  type ChatMessageView,
  counterpartOf,
  type DeliveredMessage,
  ONLINE_PLACE,
  type ReadData,
  type ReadRequest,
  type SellerChatSummary,
  SELLER_CHANNEL,
  type SellerEvents,
  type SellerPush,
  type SendRequest,
  type SignIn,
  type SignInRequest,
  SellerRefusal,
  type StatusData,
  userRoom,
} from './seller-chat.types.js';

/**
 * The seller chat's rules: who a connection is, which chats it sees, who is online, and when a message may be
 * stored. Transport-free: it takes parsed requests and connection ids, and pushes to other connections through
 * the delivery bus (to a user's room; the gateway decides which of that user's connections may see a chat).
 */
@Injectable()
export class SellerChatService {
  private readonly logger = new Logger('SellerChat');
  /** `message`s per user per SELLER_RATE_WINDOW_MS. */
  private readonly rate: ReturnType<RateLimiterFactory['create']>;

  constructor(
    private readonly users: ChatUsersService,
    private readonly chats: ChatsService,
    private readonly messages: MessagesService,
    private readonly histories: SellerHistories,
    private readonly presence: PresenceService,
    private readonly bus: DeliveryBus,
    private readonly metrics: Metrics,
    @Inject(sellerSettings.KEY) private readonly config: ConfigType<typeof sellerSettings>,
    private readonly clock: Clock,
    private readonly webhooks: WebhookSubscriptions,
    limiters: RateLimiterFactory,
  ) {
    this.rate = limiters.create({
      keyPrefix: 'seller-messages',
      points: config.rateMessages,
      durationMs: config.rateWindowMs,
    });
    // A user whose instance vanished goes offline as if its last connection had closed; one put back after a
    // presence store outage comes online again.
    presence.onChange(({ kind, place, member, version }) => {
      if (place !== ONLINE_PLACE) return;
      this.announceStatus(member.id, kind === 'arrived', version).catch((error: unknown) =>
        this.logger.error(`announcing user ${member.id} ${kind} failed: ${describeFault(error)}`),
      );
    });
  }

  /** Resolves an `auth` request to a user and the chats its connection will see, creating client and chat as needed. */
  async signIn(request: SignInRequest): Promise<SignIn> {
    switch (request.mode) {
      case 'anonymous':
        throw new SellerRefusal('USER_NOT_FOUND');
      case 'seller': {
        const user = request.token ? await this.users.findByToken(request.token) : null;
        if (!user) throw new SellerRefusal('USER_NOT_FOUND');
        if (user.kind !== 'seller' || user.id !== request.sellerId) throw new SellerRefusal('USER_IS_NOT_SELLER');
        // The newest SELLER_AUTH_CHATS only: the reply must stay small enough for a browser to take quickly.
        const chats = (await this.chats.directChatsOf(user.id)).slice(-this.config.authChats);
        return { user: { ...user, kind: 'seller' }, chats, newChat: null, newToken: null, offlineMessages: false };
      }
      case 'client-token': {
        const user = await this.users.findByToken(request.token);
        if (!user || user.kind !== 'client') throw new SellerRefusal('USER_NOT_FOUND');
        const seller = await this.requireSeller(request.sellerId);
        const { chat, created } = await this.chats.openDirect(seller, user);
        const newChat = created ? chat : null;
        const { offlineMessages } = seller;
        return { user: { ...user, kind: 'client' }, chats: [chat], newChat, newToken: null, offlineMessages };
      }
      case 'client-name': {
        const created =
          request.sellerId === null ? null : await this.users.createClient(request.name, request.sellerId);
        if (!created) throw new SellerRefusal('CHAT_NOT_FOUND');
        const { client, token, chat, offlineMessages } = created;
        return { user: client, chats: [chat], newChat: chat, newToken: token, offlineMessages };
      }
    }
  }

  /**
   * Puts a signed-in connection online and returns its `auth` reply. Announces, in this order: a new chat to
   * the seller, then the user coming online (first connection only) to the other party of each of its chats.
   * A client also learns whether its seller is online.
   */
  async welcome(
    signIn: SignIn,
    connectionId: string,
    since: ReadonlyMap<number, number> | null = null,
  ): Promise<{ reply: AuthReplyData; sellerStatus: StatusData | null; heldUpTo: number | null }> {
    const { user, chats, newChat } = signIn;
    // A client created by this sign-in learns its token; everyone else is greeted by name.
    const reply: AuthReplyData = signIn.newToken
      ? { token: signIn.newToken, chats: {} }
      : { name: user.name, chats: {} };
    if (signIn.offlineMessages) reply.offlineMessages = true;
    // A client created by this sign-in has one chat, made with it, and nothing can be in it yet: only the two
    // parties write, the client has no other connection (its token is in this reply), and the seller may write
    // only while the client is online, which it is not before the join below. So neither its history nor its list
    // of chats is read.
    const fresh = signIn.newToken !== null;
    const histories: ChatHistory[] = fresh
      ? chats.map(() => ({ messages: [] }))
      : await this.histories.of(chats, since);
    // A seller's tabs learn how far it has read each chat; a seller that never sent `read` gets the original reply.
    const reads = user.kind === 'seller' ? await this.chats.readStateOf(user.id) : new Map<number, never>();
    for (const [i, chat] of chats.entries()) {
      const { messages, recovered } = histories[i];
      const lastRead = reads.get(chat.id)?.lastRead ?? 0;
      reply.chats[chat.id] = {
        chatter: counterpartOf(chat, user.id).name,
        messages: messages.map((m) => view(m, user.id)),
        ...(lastRead ? { lastRead } : {}),
        ...(recovered === undefined ? {} : { recovered }),
      };
    }
    // Every message of the chats up to the newest one sent is with the connection (null: histories are off). Not
    // `since`: that is the client's word, and a bus repair must never start past what was read here.
    const newest = Math.max(0, ...histories.map((history) => history.messages.at(-1)?.id ?? 0));
    const heldUpTo = fresh || since || this.config.authMessagesPerChat > 0 ? newest : null;
    if (newChat) this.push(newChat.seller.id, 'chat', { id: newChat.id, chatter: newChat.client.name });
    const joined = await this.presence.join(ONLINE_PLACE, { id: user.id }, connectionId);
    if (joined !== null) await this.announceStatus(user.id, true, joined, fresh ? chats : undefined);
    if (user.kind === 'seller') return { reply, sellerStatus: null, heldUpTo };
    const chat = chats[0];
    return {
      reply,
      sellerStatus: { chatId: chat.id, status: await this.presence.isPresent(ONLINE_PLACE, chat.seller.id) },
      heldUpTo,
    };
  }

  /** Takes a connection offline; the user's last connection going announces it to the other parties. */
  async signOut(userId: number, connectionId: string): Promise<void> {
    const left = await this.presence.leave(ONLINE_PLACE, userId, connectionId);
    if (left) await this.announceStatus(userId, false, left.version);
  }

  /**
   * Stores a message from a party of the chat while the other party is online (or from a client while its seller,
   * offline, takes offline messages), and delivers it to both
   * parties' other connections. Resolves once stored, with what the sending connection is acknowledged.
   * The same text with the same clientDate, resent by its author to the chat within a minute, resolves with the
   * original, on any instance. `known` is the sending connection's chats (see KnownChats).
   */
  async send(user: ChatUser, request: SendRequest, connectionId: string, known: KnownChats): Promise<DeliveredMessage> {
    if (!(await take(this.rate, user.id))) throw new SellerRefusal('RATE_LIMITED');
    // A chat the connection holds is answered without a turn of the microtask queue: this is every message's path.
    const chat =
      (request.chatId !== null && known.get(request.chatId)) || (await this.partiesOf(request.chatId, known));
    if (!chat || (chat.seller.id !== user.id && chat.client.id !== user.id)) throw new SellerRefusal('CHAT_NOT_FOUND');
    const message = {
      chatId: chat.id,
      authorId: user.id,
      authorName: user.name,
      authorRole: null,
      text: request.text,
      clientDate: clientDateKey(request.clientDate),
      event: this.webhooks.wants('seller.message.created')
        ? (stored: StoredMessage) => messageCreated(chat, stored)
        : null,
      // A client's message is checked on once it has waited, if anyone wants to hear that it still waits.
      followUpAfterMs:
        chat.client.id === user.id && this.webhooks.wants('seller.message.unanswered')
          ? this.config.unansweredAfterMs
          : null,
    };
    // The original client's reconnect loop resends a message whose ack it lost: the stored one answers it.
    const counterpart = counterpartOf(chat, user.id);
    const online = this.presence.isPresent(ONLINE_PLACE, counterpart.id);
    if (!(typeof online === 'boolean' ? online : await online) && !(await this.takesOfflineMessage(chat, user))) {
      const resent = await this.messages.findResent(message, this.clock.now() - RESEND_WINDOW_MS);
      if (resent) return toDelivered(resent);
      throw new SellerRefusal('USER_IS_NOT_ONLINE');
    }
    const { message: stored, resent } = await this.messages.appendOnce(message, RESEND_WINDOW_MS);
    const delivered = toDelivered(stored);
    if (resent) return delivered;
    this.metrics.messagesStored.inc('seller');
    const mine = {
      id: delivered.id,
      text: delivered.text,
      date: delivered.date,
      chatId: delivered.chatId,
      my: true as const,
    };
    this.push(user.id, 'message', mine, connectionId, stored.id);
    this.push(counterpart.id, 'message', delivered, undefined, stored.id);
    return delivered;
  }

  /**
   * Marks the seller's chat read up to a message, for all of the seller's tabs: the mark moves forward only, and
   * the seller's other connections are told when it does. Resolves with the mark as it now is.
   */
  async markRead(user: ChatUser, request: ReadRequest, connectionId: string, known: KnownChats): Promise<ReadData> {
    const chat =
      (request.chatId !== null && known.get(request.chatId)) || (await this.partiesOf(request.chatId, known));
    if (!chat || chat.seller.id !== user.id) throw new SellerRefusal('CHAT_NOT_FOUND');
    const marked = await this.chats.markReadBySeller(chat.id, user.id, request.id);
    if (!marked) throw new SellerRefusal('CHAT_NOT_FOUND');
    const read = { chatId: chat.id, id: marked.readId };
    if (marked.moved) this.push(user.id, 'read', read, connectionId);
    return read;
  }

  /** A seller's chats, oldest first, with its read mark and unread count of each, for the site's back office. */
  async chatsOfSeller(sellerId: number): Promise<SellerChatSummary[]> {
    const seller = await this.users.requireSeller(sellerId);
    const [chats, reads] = await Promise.all([this.chats.directChatsOf(seller.id), this.chats.readStateOf(seller.id)]);
    return chats.map((chat) => ({
      id: chat.id,
      client: chat.client,
      unread: reads.get(chat.id)?.unread ?? 0,
      lastRead: reads.get(chat.id)?.lastRead ?? 0,
    }));
  }

  /** One chat's messages, oldest first, each marked with the side that wrote it. */
  async historyOf(sellerId: number, chatId: number): Promise<(DeliveredMessage & { from: 'seller' | 'client' })[]> {
    const seller = await this.users.requireSeller(sellerId);
    const chat = await this.chats.findDirectById(chatId);
    if (!chat || chat.seller.id !== seller.id) throw new NotFoundError(`no chat ${chatId} of seller ${sellerId}`);
    return (await this.messages.all(chat.id)).map((m) => ({
      ...toDelivered(m),
      from: m.authorId === seller.id ? 'seller' : 'client',
    }));
  }

  /**
   * A client's message to an offline seller who allows it is stored like any other; the seller reads it in its next
   * auth reply. Asked only while the seller is offline, so online chats cost no query.
   */
  private takesOfflineMessage(chat: DirectChat, author: ChatUser): Promise<boolean> {
    return chat.client.id === author.id ? this.users.takesOfflineMessages(chat.seller.id) : Promise.resolve(false);
  }

  /**
   * A chat and its parties from the store, kept in the connection's known chats if the connection was told about
   * the chat (so it holds no more chats than it was told about).
   */
  private async partiesOf(chatId: number | null, known: KnownChats): Promise<DirectChat | null> {
    if (chatId === null) return null;
    const chat = await this.chats.findDirectById(chatId);
    if (chat && known.has(chatId)) known.set(chatId, chat);
    return chat;
  }

  private async requireSeller(sellerId: number | null): Promise<SellerView> {
    const seller = sellerId === null ? null : await this.users.findSeller(sellerId);
    if (!seller) throw new SellerRefusal('CHAT_NOT_FOUND');
    return seller;
  }

  /**
   * Tells the other party of each of the user's chats (all of them: `chats` when the caller knows them all), with
   * the presence version of the change, which orders it among the user's other changes (the bus's "Presence in
   * order": each chat's status is the other party's presence there).
   */
  private async announceStatus(
    userId: number,
    status: boolean,
    presenceVersion: number,
    chats?: DirectChat[],
  ): Promise<void> {
    for (const chat of chats ?? (await this.chats.directChatsOf(userId))) {
      const room = userRoom(counterpartOf(chat, userId).id);
      const data = { chatId: chat.id, status };
      this.bus.publish(SELLER_CHANNEL, { room, event: 'status', data, presenceVersion, presenceOf: String(chat.id) });
    }
  }

  /** Publishes to the user's room; every message publishes twice, so the delivery is built without a spread. */
  private push<Command extends SellerPush>(
    userId: number,
    command: Command,
    data: SellerEvents[Command],
    exceptConnection?: string,
    messageId?: number,
  ): void {
    this.bus.publish(SELLER_CHANNEL, { room: userRoom(userId), event: command, data, exceptConnection, messageId });
  }
}

function view(message: StoredMessage, viewerId: number): ChatMessageView {
  const base = { id: message.id, text: message.text, date: toUnixSeconds(message.createdAt) };
  return message.authorId === viewerId ? { ...base, my: true } : base;
}

/** How long a resent message (same chat, author, clientDate and text) is answered with the original. */
const RESEND_WINDOW_MS = 60_000;

/** clientDate as stored: its JSON, or null (never matched) when too long to be a date. */
function clientDateKey(clientDate: unknown): string | null {
  const json = JSON.stringify(clientDate);
  return json !== undefined && json.length <= 32 ? json : null;
}
