import type { DirectChat } from '../chats/chats.service.js';

/**
 * The chats a connection has been told about (only these may reach it), each with its parties once the connection
 * has read them: null for a chat it heard of by a push. Parties never change, and neither do their names (sellers
 * and clients are never renamed), so they are kept for the connection's lifetime without invalidation; it holds no
 * more chats than the connection has been told about. Nearly every connection knows one chat (a client's, with its
 * seller): that one is held in two fields, and a Map is made only for a second one (a Map costs more than the chat
 * it would hold). In the order the connection was told about them, as a Map keeps its keys.
 */
export class KnownChats {
  private firstId: number | null = null;
  private first: DirectChat | null = null;
  private rest: Map<number, DirectChat | null> | null = null;

  has(chatId: number): boolean {
    return chatId === this.firstId || (this.rest !== null && this.rest.has(chatId));
  }

  /** The chat's parties; null while not read, undefined for a chat the connection was not told about. */
  get(chatId: number): DirectChat | null | undefined {
    return chatId === this.firstId ? this.first : this.rest?.get(chatId);
  }

  set(chatId: number, chat: DirectChat | null): void {
    if (this.firstId === null || chatId === this.firstId) {
      this.firstId = chatId;
      this.first = chat;
    } else {
      (this.rest ??= new Map()).set(chatId, chat);
    }
  }

  clear(): void {
    this.firstId = null;
    this.first = null;
    this.rest = null;
  }

  ids(): number[] {
    return this.firstId === null ? [] : [this.firstId, ...(this.rest?.keys() ?? [])];
  }
}
