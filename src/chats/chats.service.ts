import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { isRowId } from '../common/row-id.js';
import { isUniqueViolation } from '../common/unique-violation.js';
import { ChatEntity } from './chat.entity.js';
import { Clock } from '../common/clock.js';
import { WebhookSubscriptions } from '../webhooks/webhook-subscriptions.js';
import { chatCreated } from './chat-events.js';
import { type DirectChatReads, directChatReads } from './direct-chat-reads.js';

/** A party of a direct chat: a seller or a client, by id and name. */
export interface Party {
  id: number;
  name: string;
}

/** A seller–client chat with both parties' names. */
export interface DirectChat {
  id: number;
  seller: Party;
  client: Party;
}

@Injectable()
export class ChatsService {
  /** app id → lobby chat id; a lobby's id never changes once created, so it is safe to keep. */
  private readonly lobbyIds = new Map<number, number>();
  private readonly direct: DirectChatReads;

  constructor(
    @InjectRepository(ChatEntity) private readonly chats: Repository<ChatEntity>,
    @InjectDataSource() dataSource: DataSource,
    private readonly clock: Clock,
    private readonly webhooks: WebhookSubscriptions,
  ) {
    this.direct = directChatReads(dataSource);
  }

  /**
   * The id of an app's lobby chat, created on first use. Lobbies are not created with apps because apps may
   * live in a remote user directory.
   */
  async lobbyIdFor(appId: number): Promise<number> {
    const known = this.lobbyIds.get(appId);
    if (known !== undefined) return known;
    const id = (await this.findLobby(appId)) ?? (await this.createLobby(appId));
    this.lobbyIds.set(appId, id);
    return id;
  }

  /** The id of an app's lobby if anyone ever entered it, without creating it. */
  async findLobbyId(appId: number): Promise<number | null> {
    return this.lobbyIds.get(appId) ?? (await this.findLobby(appId));
  }

  /**
   * The one chat of a client with a seller, created on first use; `created` tells whether this call made it.
   * The parties are given (with their names, which never change), so a new chat is not read back.
   */
  async openDirect(seller: Party, client: Party): Promise<{ chat: DirectChat; created: boolean }> {
    const existing = await this.direct.byParties(seller.id, client.id);
    if (existing) return { chat: existing, created: false };
    try {
      const createdAt = this.clock.now();
      const wanted = this.webhooks.wants('seller.chat.created');
      // With an event, the chat and its event are one transaction; without, the insert is atomic alone.
      const chat = wanted
        ? await this.chats.manager.transaction(async (tx) => {
            const inserted = await this.insertDirect(tx.getRepository(ChatEntity), seller, client, createdAt);
            await this.webhooks.record(tx, chatCreated(seller.id, inserted.id, inserted.client), createdAt);
            return inserted;
          })
        : await this.insertDirect(this.chats, seller, client, createdAt);
      return { chat, created: true };
    } catch (error) {
      // A second connection of the same client opened it at the same moment.
      if (!isUniqueViolation(error)) throw error;
      const raced = await this.direct.byParties(seller.id, client.id);
      if (!raced) throw error;
      return { chat: raced, created: false };
    }
  }

  private async insertDirect(
    chats: Repository<ChatEntity>,
    seller: Party,
    client: Party,
    createdAt: number,
  ): Promise<DirectChat> {
    const result = await chats.insert({ kind: 'direct', sellerId: seller.id, clientId: client.id, createdAt });
    const id = (result.identifiers[0] as { id: number }).id;
    return { id, seller: { id: seller.id, name: seller.name }, client: { id: client.id, name: client.name } };
  }

  /** A direct chat by id, or null (lobbies and unknown ids alike). */
  async findDirectById(chatId: number): Promise<DirectChat | null> {
    return isRowId(chatId) ? this.direct.byId(chatId) : null;
  }

  /** Every chat the user is a party to, as seller or client, oldest first. */
  directChatsOf(userId: number): Promise<DirectChat[]> {
    return this.direct.ofUser(userId);
  }

  /**
   * Moves the seller's read mark of its chat up to `upTo`, never back and never past the chat's last message.
   * Returns the mark and whether it moved, or null when the chat is not the seller's.
   */
  async markReadBySeller(
    chatId: number,
    sellerId: number,
    upTo: number,
  ): Promise<{ readId: number; moved: boolean } | null> {
    if (!isRowId(chatId)) return null;
    const lastUpTo = `(SELECT COALESCE(MAX(m."id"), 0) FROM "messages" m WHERE m."chat_id" = :chatId AND m."id" <= :upTo)`;
    const result = await this.chats
      .createQueryBuilder()
      .update(ChatEntity)
      .set({ sellerReadId: () => lastUpTo })
      .where(`"id" = :chatId AND "seller_id" = :sellerId AND "seller_read_id" < ${lastUpTo}`, {
        chatId,
        sellerId,
        upTo,
      })
      .execute();
    const chat = await this.chats.findOneBy({ id: chatId, sellerId });
    return chat && { readId: chat.sellerReadId, moved: (result.affected ?? 0) > 0 };
  }

  /**
   * Per chat of the seller: its read mark and how many of the client's messages came after both that mark and the
   * seller's last message (an answer counts as having read what it answers). Chats with nothing unread and no mark
   * are left out.
   */
  async readStateOf(sellerId: number): Promise<Map<number, { lastRead: number; unread: number }>> {
    const rows = (await this.chats
      .createQueryBuilder('c')
      .select('c.id', 'chatId')
      .addSelect('c.seller_read_id', 'lastRead')
      .addSelect(
        `(SELECT COUNT(*) FROM "messages" m WHERE m."chat_id" = c."id" AND m."author_id" = c."client_id"
          AND m."id" > c."seller_read_id" AND m."id" > COALESCE((SELECT MAX(s."id") FROM "messages" s
          WHERE s."chat_id" = c."id" AND s."author_id" = c."seller_id"), 0))`,
        'unread',
      )
      .where("c.kind = 'direct' AND c.seller_id = :sellerId", { sellerId })
      .getRawMany()) as { chatId: number | string; lastRead: number | string; unread: number | string }[];
    const states = new Map<number, { lastRead: number; unread: number }>();
    for (const row of rows) {
      const state = { lastRead: Number(row.lastRead), unread: Number(row.unread) };
      if (state.lastRead > 0 || state.unread > 0) states.set(Number(row.chatId), state);
    }
    return states;
  }

  private async findLobby(appId: number): Promise<number | null> {
    const chat = await this.chats.findOneBy({ kind: 'lobby', appId });
    return chat?.id ?? null;
  }

  private async createLobby(appId: number): Promise<number> {
    try {
      const chat = this.chats.create({ kind: 'lobby', appId, createdAt: this.clock.now() });
      await this.chats.insert(chat);
      return chat.id;
    } catch (error) {
      // Another connection (or instance) created it first.
      if (!isUniqueViolation(error)) throw error;
      const id = await this.findLobby(appId);
      if (id === null) throw error;
      return id;
    }
  }
}
