import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { isUniqueViolation } from '../common/unique-violation.js';
import { ChatEntity } from './chat.entity.js';

@Injectable()
export class ChatsService {
  /** app id → lobby chat id; a lobby's id never changes once created, so it is safe to keep. */
  private readonly lobbyIds = new Map<number, number>();

  constructor(@InjectRepository(ChatEntity) private readonly chats: Repository<ChatEntity>) {}

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

  private async findLobby(appId: number): Promise<number | null> {
    const chat = await this.chats.findOneBy({ kind: 'lobby', appId });
    return chat?.id ?? null;
  }

  private async createLobby(appId: number): Promise<number> {
    try {
      const chat = this.chats.create({ kind: 'lobby', appId, createdAt: Date.now() });
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
