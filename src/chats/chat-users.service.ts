import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import type { DirectChat } from './chats.service.js';
import { newClientWriter, type WriteNewClient } from './new-client-writer.js';
import { InvalidInputError, NotFoundError } from '../common/refusal.js';
import { isRowId } from '../common/row-id.js';
import { AccessTokensService } from '../users/access-tokens.service.js';
import { generateToken, hashToken } from '../users/tokens.js';
import { UserEntity, type UserKind } from '../users/user.entity.js';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';

export interface ChatUser {
  id: number;
  kind: UserKind;
  name: string;
}

/** Longest seller or client name kept; longer client names are cut (the protocol has no error for them). */
export const CHAT_NAME_MAX = 64;

/** The seller chat's users: sellers, provisioned by the site, and clients, who name themselves. */
@Injectable()
export class ChatUsersService {
  private readonly writeNewClient: WriteNewClient;

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectDataSource() dataSource: DataSource,
    private readonly tokens: AccessTokensService,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.writeNewClient = newClientWriter(dataSource, config.databaseWriteTimeoutMs);
  }

  async createSeller(name: string): Promise<ChatUser & { token: string }> {
    const trimmed = name.trim();
    if (trimmed.length < 1 || [...trimmed].length > CHAT_NAME_MAX) {
      throw new InvalidInputError(`name must be 1-${CHAT_NAME_MAX} characters`);
    }
    return this.create('seller', trimmed);
  }

  /**
   * A client named by whatever they typed (trimmed, cut to CHAT_NAME_MAX), with a fresh token and its chat with
   * the seller, written together (see new-client-writer.ts); null, with nothing written, when there is no such seller.
   */
  async createClient(
    name: string,
    sellerId: number,
  ): Promise<{ client: ChatUser; token: string; chat: DirectChat } | null> {
    if (!isRowId(sellerId)) return null;
    const clientName = [...name.trim()].slice(0, CHAT_NAME_MAX).join('');
    const token = generateToken();
    const created = await this.writeNewClient({
      name: clientName,
      tokenHash: hashToken(token),
      sellerId,
      createdAt: this.clock.now(),
    });
    if (!created) return null;
    const client = { id: created.clientId, name: clientName };
    const seller = { id: sellerId, name: created.sellerName };
    return { client: { ...client, kind: 'client' }, token, chat: { id: created.chatId, seller, client } };
  }

  /** Replaces every token of the seller with a new one. */
  async rotateSellerToken(sellerId: number): Promise<string> {
    const seller = await this.requireSeller(sellerId);
    await this.tokens.revoke(seller.id);
    return (await this.tokens.issue(seller.id)).token;
  }

  async findSeller(sellerId: number): Promise<ChatUser | null> {
    if (!isRowId(sellerId)) return null;
    const user = await this.users.findOneBy({ id: sellerId, kind: 'seller' });
    return user && toChatUser(user);
  }

  async requireSeller(sellerId: number): Promise<ChatUser> {
    const seller = await this.findSeller(sellerId);
    if (!seller) throw new NotFoundError(`no seller ${sellerId}`);
    return seller;
  }

  /** Whoever holds this token: a seller or a client (lobby users have no business here). */
  async findByToken(token: string): Promise<ChatUser | null> {
    const user = await this.tokens.findUser(hashToken(token));
    return user && user.kind !== 'lobby' ? toChatUser(user) : null;
  }

  private async create(kind: 'seller', name: string): Promise<ChatUser & { token: string }> {
    const user = this.users.create({ kind, name, unameKey: null, role: 'member', createdAt: this.clock.now() });
    await this.users.insert(user);
    const { token } = await this.tokens.issue(user.id);
    return { ...toChatUser(user), token };
  }
}

function toChatUser(user: UserEntity): ChatUser {
  return { id: user.id, kind: user.kind, name: user.name };
}
