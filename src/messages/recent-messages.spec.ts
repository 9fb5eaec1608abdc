import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../test/support/database.js';
import { openMigrated } from '../../test/support/migrated-database.js';
import { ChatEntity } from '../chats/chat.entity.js';
import { MessageEntity } from './message.entity.js';
import { type RecentMessages, recentMessagesReader } from './recent-messages.js';

describe('recentMessagesReader', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let recent: RecentMessages;
  const chats: Record<'one' | 'other', number> = {} as never;
  const ids: number[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    dataSource = await openMigrated(db.url);
    recent = recentMessagesReader(dataSource);
    const chatRows = dataSource.getRepository(ChatEntity);
    chats.one = (await chatRows.save(chatRows.create({ kind: 'lobby', appId: 1, createdAt: 0 }))).id;
    chats.other = (await chatRows.save(chatRows.create({ kind: 'lobby', appId: 2, createdAt: 0 }))).id;
    const messages = dataSource.getRepository(MessageEntity);
    const say = async (chatId: number, text: string, authorRole: string | null, createdAt: number) =>
      (
        await messages.save(
          messages.create({ chatId, authorId: 7, authorName: 'Ann', authorRole, text, clientDate: null, createdAt }),
        )
      ).id;
    ids.push(await say(chats.one, 'first', null, 1_796_000_000_001));
    ids.push(await say(chats.other, 'elsewhere', null, 1_796_000_000_002));
    ids.push(await say(chats.one, 'second', 'mod', 1_796_000_000_003));
    ids.push(await say(chats.one, 'third', null, 1_796_000_000_004));
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  const message = (i: number, text: string, authorRole: string | null) => ({
    id: ids[i],
    chatId: i === 1 ? chats.other : chats.one,
    authorId: 7,
    authorName: 'Ann',
    authorRole,
    text,
    createdAt: 1_796_000_000_001 + i,
  });

  it("reads a chat's newest messages, oldest first, with every field as stored", async () => {
    expect(await recent(chats.one, 2)).toStrictEqual([message(2, 'second', 'mod'), message(3, 'third', null)]);
    expect(await recent(chats.one, 100)).toStrictEqual([
      message(0, 'first', null),
      message(2, 'second', 'mod'),
      message(3, 'third', null),
    ]);
    expect(await recent(chats.other, 100)).toStrictEqual([message(1, 'elsewhere', null)]);
  });

  it('reads the same under any number of different limits (each of the first few its own statement)', async () => {
    const all = [message(0, 'first', null), message(2, 'second', 'mod'), message(3, 'third', null)];
    for (let round = 0; round < 2; round++) {
      // Largest first: the statements of their own run out on the way down, so the smallest limit goes through the
      // bound one, and it cuts.
      for (let limit = 12; limit >= 1; limit--) expect(await recent(chats.one, limit)).toStrictEqual(all.slice(-limit));
    }
  });

  it('reads nothing for a limit of 0 or a chat without messages', async () => {
    expect(await recent(chats.one, 0)).toStrictEqual([]);
    expect(await recent(chats.other + 100, 10)).toStrictEqual([]);
  });
});
