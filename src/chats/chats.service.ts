import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { isRowId } from '../common/row-id.js';
import { isUniqueViolation } from '../common/unique-violation.js';
import { ChatEntity } from './chat.entity.js';
import { Clock } from '../common/clock.js';

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

  constructor(
    @InjectRepository(ChatEntity) private readonly chats: Repository<ChatEntity>,
    private readonly clock: Clock,
  ) {}

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
    const existing = await this.findDirect(seller.id, client.id);
    if (existing) return { chat: existing, created: false };
    try {
      const result = await this.chats.insert({
        kind: 'direct',
        sellerId: seller.id,
        clientId: client.id,
        createdAt: this.clock.now(),
      });
      const id = (result.identifiers[0] as { id: number }).id;
      const chat = { id, seller: { id: seller.id, name: seller.name }, client: { id: client.id, name: client.name } };
      return { chat, created: true };
    } catch (error) {
      // A second connection of the same client opened it at the same moment.
      if (!isUniqueViolation(error)) throw error;
      const raced = await this.findDirect(seller.id, client.id);
      if (!raced) throw error;
      return { chat: raced, created: false };
    }
  }

  /** A direct chat by id, or null (lobbies and unknown ids alike). */
  async findDirectById(chatId: number): Promise<DirectChat | null> {
    if (!isRowId(chatId)) return null;
    return this.queryDirect().andWhere('c.id = :chatId', { chatId }).getOne().then(toDirect);
  }

  /** Every chat the user is a party to, as seller or client, oldest first. */
  async directChatsOf(userId: number): Promise<DirectChat[]> {
    const rows = await this.queryDirect()
      .andWhere('(c.seller_id = :userId OR c.client_id = :userId)', { userId })
      .orderBy('c.id', 'ASC')
      .getMany();
    return rows.map((row) => toDirect(row) as DirectChat);
  }

  private findDirect(sellerId: number, clientId: number): Promise<DirectChat | null> {
    return this.queryDirect()
      .andWhere('c.seller_id = :sellerId AND c.client_id = :clientId', { sellerId, clientId })
      .getOne()
      .then(toDirect);
  }

  private queryDirect() {
    return this.chats
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.seller', 'seller')
      .innerJoinAndSelect('c.client', 'client')
      .where("c.kind = 'direct'");
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

function toDirect(row: ChatEntity | null): DirectChat | null {
  if (!row?.seller || !row.client) return null;
  return {
    id: row.id,
    seller: { id: row.seller.id, name: row.seller.name },
    client: { id: row.client.id, name: row.client.name },
  };
}
