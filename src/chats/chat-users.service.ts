import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import type { DirectChat } from './chats.service.js';
import { newClientWriter, type WriteNewClient } from './new-client-writer.js';
import { InvalidInputError, NotFoundError } from '../common/refusal.js';
import { isRowId } from '../common/row-id.js';
import { AccessTokensService } from '../users/access-tokens.service.js';
import { IdentityChanges } from '../users/identity-changes.js';
import { WebhookTimerEntity } from '../webhooks/webhook.entities.js';
import { ChatEntity } from './chat.entity.js';
import { generateToken, hashToken } from '../users/tokens.js';
import { UserEntity, type UserKind } from '../users/user.entity.js';
import { Clock } from '../common/clock.js';
import { databaseSettings } from '../config/areas/database.settings.js';
import { type PreparedRead, preparedRead } from '../database/prepared-reads.js';
import { chatCreated } from '../chats/chat-events.js';
import { WebhookSubscriptions } from '../webhooks/webhook-subscriptions.js';

export interface ChatUser {
  id: number;
  kind: UserKind;
  name: string;
}

/** A seller as the site's backend sees it. */
export interface SellerView {
  id: number;
  name: string;
  /** Clients may write while the seller is offline (docs/seller-shop.md). */
  offlineMessages: boolean;
}

/** Longest seller or client name kept; longer client names are cut (the protocol has no error for them). */
export const CHAT_NAME_MAX = 64;

/** The seller chat's users: sellers, provisioned by the site, and clients, who name themselves. */
@Injectable()
export class ChatUsersService {
  private readonly writeNewClient: WriteNewClient;
  private readonly sellerById: PreparedRead<[number], SellerRow>;

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: AccessTokensService,
    private readonly clock: Clock,
    private readonly webhooks: WebhookSubscriptions,
    private readonly identity: IdentityChanges,
    @Inject(databaseSettings.KEY) database: ConfigType<typeof databaseSettings>,
  ) {
    this.writeNewClient = newClientWriter(dataSource, database.writeTimeoutMs);
    // Every client signing in by token reads its seller: a statement, not TypeORM's find (see prepared-reads.ts).
    this.sellerById = preparedRead(
      dataSource,
      `SELECT "id", "name", "offline_messages" AS "offlineMessages" FROM "users" WHERE "id" = ? AND "kind" = 'seller'`,
    );
  }

  async createSeller(name: string, offlineMessages = false): Promise<SellerView & { token: string }> {
    const trimmed = name.trim();
    if (trimmed.length < 1 || [...trimmed].length > CHAT_NAME_MAX) {
      throw new InvalidInputError(`name must be 1-${CHAT_NAME_MAX} characters`);
    }
    const user = this.users.create({
      kind: 'seller',
      name: trimmed,
      unameKey: null,
      role: 'member',
      offlineMessages,
      createdAt: this.clock.now(),
    });
    await this.users.insert(user);
    const { token } = await this.tokens.issue(user.id);
    return { ...toSellerView(user), token };
  }

  /** Changes what a seller allows; read on each message to an offline seller, so it holds at once everywhere. */
  async updateSeller(sellerId: number, changes: { offlineMessages?: boolean }): Promise<SellerView> {
    const seller = await this.requireSellerRow(sellerId);
    if (changes.offlineMessages !== undefined && changes.offlineMessages !== seller.offlineMessages) {
      await this.users.update({ id: seller.id }, { offlineMessages: changes.offlineMessages });
      seller.offlineMessages = changes.offlineMessages;
    }
    return toSellerView(seller);
  }

  async getSeller(sellerId: number): Promise<SellerView> {
    return toSellerView(await this.requireSellerRow(sellerId));
  }

  /** Sellers with an id above `afterId`, oldest first, at most `limit`. */
  async listSellers(limit: number, afterId: number): Promise<SellerView[]> {
    const rows = await this.users
      .createQueryBuilder('u')
      .where('u.id > :afterId', { afterId })
      .andWhere("u.kind = 'seller'")
      .orderBy('u.id', 'ASC')
      .limit(limit)
      .getMany();
    return rows.map(toSellerView);
  }

  /**
   * Deletes a seller in one transaction: its tokens and chats go with it (FK cascade), the chats' messages with
   * them, and so do its clients left with no chat (a client's token also opens chats with other sellers, so one
   * with such a chat stays). The follow-up timers of those messages are not reached by a foreign key and are
   * deleted first. Then the live connections of the seller and of every client it had are closed on every instance
   * (IdentityChanges): the seller's widget reconnects to USER_NOT_FOUND, a client's to CHAT_NOT_FOUND (no such
   * seller) or, its client deleted, USER_NOT_FOUND.
   */
  async deleteSeller(sellerId: number): Promise<void> {
    const seller = await this.requireSellerRow(sellerId);
    const clientIds = await this.dataSource.transaction(async (tx) => {
      const chats = await tx.find(ChatEntity, { select: { id: true, clientId: true }, where: { sellerId: seller.id } });
      const chatIds = chats.map(({ id }) => id);
      if (chatIds.length) {
        await tx
          .createQueryBuilder()
          .delete()
          .from(WebhookTimerEntity)
          .where('message_id IN (SELECT m.id FROM messages m WHERE m.chat_id IN (:...chatIds))', { chatIds })
          .execute();
      }
      const { affected } = await tx.delete(UserEntity, { id: seller.id, kind: 'seller' });
      if (!affected) throw new NotFoundError(`no seller ${sellerId}`);
      const ids = chats.flatMap(({ clientId }) => (clientId === null ? [] : [clientId]));
      if (ids.length) {
        await tx
          .createQueryBuilder()
          .delete()
          .from(UserEntity)
          .where("kind = 'client' AND id IN (:...ids)", { ids })
          .andWhere('NOT EXISTS (SELECT 1 FROM chats c WHERE c."client_id" = "users"."id")')
          .execute();
      }
      return ids;
    });
    for (const userId of [seller.id, ...clientIds]) this.identity.announce({ userId });
  }

  async findSeller(sellerId: number): Promise<SellerView | null> {
    if (!isRowId(sellerId)) return null;
    const [row] = await this.sellerById(sellerId);
    return row ? { id: row.id, name: row.name, offlineMessages: Boolean(row.offlineMessages) } : null;
  }

  /** Whether the seller takes clients' messages while offline; false for no such seller. */
  async takesOfflineMessages(sellerId: number): Promise<boolean> {
    return (await this.findSeller(sellerId))?.offlineMessages ?? false;
  }

  /**
   * A client named by whatever they typed (trimmed, cut to CHAT_NAME_MAX), with a fresh token and its chat with
   * the seller, written together (see new-client-writer.ts); null, with nothing written, when there is no such seller.
   */
  async createClient(
    name: string,
    sellerId: number,
  ): Promise<{
    client: ChatUser & { kind: 'client' };
    token: string;
    chat: DirectChat;
    offlineMessages: boolean;
  } | null> {
    if (!isRowId(sellerId)) return null;
    const clientName = [...name.trim()].slice(0, CHAT_NAME_MAX).join('');
    const token = generateToken();
    const created = await this.writeNewClient({
      name: clientName,
      tokenHash: hashToken(token),
      sellerId,
      createdAt: this.clock.now(),
      event: this.webhooks.wants('seller.chat.created')
        ? ({ clientId, chatId }) => chatCreated(sellerId, chatId, { id: clientId, name: clientName })
        : null,
    });
    if (!created) return null;
    // One object is the user and the chat's client: a connection keeps both as long as it lives.
    const client = { id: created.clientId, name: clientName, kind: 'client' as const };
    const seller = { id: sellerId, name: created.sellerName };
    return { client, token, chat: { id: created.chatId, seller, client }, offlineMessages: created.offlineMessages };
  }

  /** Replaces every token of the seller with a new one. */
  async rotateSellerToken(sellerId: number): Promise<string> {
    const seller = await this.requireSeller(sellerId);
    await this.tokens.revoke(seller.id);
    return (await this.tokens.issue(seller.id)).token;
  }

  async requireSeller(sellerId: number): Promise<ChatUser> {
    return toChatUser(await this.requireSellerRow(sellerId));
  }

  /** Whoever holds this token: a seller or a client (lobby users have no business here). */
  async findByToken(token: string): Promise<ChatUser | null> {
    const user = await this.tokens.findUser(hashToken(token));
    return user && user.kind !== 'lobby' ? toChatUser(user) : null;
  }

  private async requireSellerRow(sellerId: number): Promise<UserEntity> {
    const user = await this.findSellerRow(sellerId);
    if (!user) throw new NotFoundError(`no seller ${sellerId}`);
    return user;
  }

  private async findSellerRow(sellerId: number): Promise<UserEntity | null> {
    return isRowId(sellerId) ? this.users.findOneBy({ id: sellerId, kind: 'seller' }) : null;
  }
}

/** A seller as read: SQLite gives 0 or 1 for a boolean. */
type SellerRow = { id: number; name: string; offlineMessages: boolean | number };

function toSellerView(user: UserEntity): SellerView {
  return { id: user.id, name: user.name, offlineMessages: user.offlineMessages };
}

function toChatUser(user: UserEntity): ChatUser {
  return { id: user.id, kind: user.kind, name: user.name };
}
