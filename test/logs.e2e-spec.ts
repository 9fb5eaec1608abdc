import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LobbyClient } from './support/lobby-client.js';
import { createSeller, SellerClient } from './support/seller-client.js';
import { killed, spawnServer } from './support/server-process.js';
import { ADMIN_TOKEN, Api } from './support/server.js';
import { until } from './support/until.js';

interface LogLine {
  level: string;
  context?: string;
  message: unknown;
}

describe('logs of a full scenario (LOG_FORMAT=json, LOG_LEVEL=debug)', () => {
  it('has one JSON object per line, connection and auth-failure events with ids, and no secret or message text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatgate-logs-'));
    const file = join(dir, 'logs.sqlite');
    const server = await spawnServer({
      DATABASE_URL: `sqlite:${file}`,
      ADMIN_TOKEN,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'debug',
      SHUTDOWN_DRAIN_MS: '0',
    });
    const secrets: string[] = [ADMIN_TOKEN];
    let appId: number | undefined;
    try {
      const api = new Api(server.url);
      appId = await api.createApp();
      const user = await api.createUser('logged_user');
      secrets.push(user.hashedToken);
      const lobby = await LobbyClient.connect(server.url);
      await lobby.auth({ app_id: appId, hashed_token: user.hashedToken });
      await lobby.say('a very private lobby message');
      const stranger = await LobbyClient.connect(server.url);
      stranger.socket.emit('auth', { app_id: 999_999 }, () => undefined);
      await stranger.waitFor('client_error');

      const seller = await createSeller(api, 'Logged seller');
      secrets.push(seller.token);
      const tab = await SellerClient.connect(server.url);
      await tab.request('auth', { id: seller.id, token: seller.token });
      const client = await SellerClient.connect(server.url);
      const [auth] = await client.request('auth', { name: 'Visitor', sellerId: seller.id }, 2);
      secrets.push(auth.data.token);
      const chatId = Number(Object.keys(auth.data.chats)[0]);
      await client.request('message', { text: 'a very private seller message', clientDate: 1, chatId });
      const guesser = await SellerClient.connect(server.url);
      await guesser.request('auth', { id: seller.id, token: 'guessed-token-value' });
      secrets.push('guessed-token-value');

      // A REST 500 whose database error carries a token hash among the query parameters.
      new Database(file).exec('DROP TABLE access_tokens');
      expect((await api.delete(`/api/users/logged_user/tokens/${user.hashedToken}`)).status).toBe(500);

      const closing = [lobby, stranger, tab, client, guesser];
      closing.forEach((c) => c.close());
      // Each close is logged once the server has handled it: SIGTERM comes after the last of them.
      await until(() => (server.output().match(/"event":"connection_close"/g) ?? []).length >= closing.length, {
        what: 'a connection_close line for each closed connection',
      });
    } finally {
      await killed(server.child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }

    const output = server.output();
    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LogLine);
    const events = lines
      .map((line) => line.message)
      .filter((m): m is Record<string, unknown> => typeof m === 'object' && m !== null);
    const opens = events.filter((m) => m.event === 'connection_open');
    expect(opens.map((m) => m.protocol).sort()).toEqual(['lobby', 'lobby', 'seller', 'seller', 'seller']);
    expect(opens.every((m) => typeof m.connection === 'string' && m.address === '127.0.0.1')).toBe(true);
    const closes = events.filter((m) => m.event === 'connection_close');
    expect(closes).toContainEqual({
      event: 'connection_close',
      protocol: 'lobby',
      connection: expect.any(String),
      app: appId,
    });
    expect(closes).toContainEqual({
      event: 'connection_close',
      protocol: 'seller',
      connection: expect.any(String),
      user: expect.any(Number),
      chats: [expect.any(Number)],
    });
    expect(events.filter((m) => m.event === 'auth_failed')).toEqual([
      { event: 'auth_failed', protocol: 'lobby', reason: 'app_not_found', connection: expect.any(String) },
      { event: 'auth_failed', protocol: 'seller', reason: 'USER_NOT_FOUND', seller: expect.any(Number) },
    ]);
    expect(lines.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
      'DELETE /api/users/:uname/tokens/:hashedToken failed: QueryFailedError: SqliteError: no such table: access_tokens',
    ]);
    for (const secret of [...secrets, 'a very private lobby message', 'a very private seller message']) {
      expect(output).not.toContain(secret);
    }
  });
});
