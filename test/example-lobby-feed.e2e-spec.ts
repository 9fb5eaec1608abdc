import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LobbyFeedModule } from '../src/examples/lobby-feed/lobby-feed.module.js';
import { LobbyClient } from './support/lobby-client.js';
import { uniqueUname, type TestServer } from './support/server.js';
import { SseClient } from './support/sse-client.js';
import { startTestingApp } from './support/testing-app.js';
import { until } from './support/until.js';

const SITE = 'https://site.example';
const BIG = 'x'.repeat(9000);

function feedUrl(server: TestServer, appId: number): string {
  return `${server.url}/examples/lobby-feed/${appId}`;
}

async function openFeed(server: TestServer, appId: number, headers: Record<string, string> = { Origin: SITE }) {
  const opening = await SseClient.open(feedUrl(server, appId), headers);
  if (!opening.client) throw new Error(`the feed answered ${opening.status}`);
  return opening.client;
}

/** This instance's open connections of `protocol`, as /metrics says. */
async function connections(server: TestServer, protocol: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`chatgate_connections{protocol="${protocol}"}`));
  return line ? Number(line.split(' ')[1]) : 0;
}

describe('the SSE lobby feed example (src/examples/lobby-feed), enabled by importing LobbyFeedModule', () => {
  let server: TestServer;
  const opened: (SseClient | LobbyClient)[] = [];

  beforeAll(async () => {
    server = await startTestingApp({
      imports: [LobbyFeedModule],
      env: { CORS_ORIGINS: SITE, OUTGOING_BUFFER_MAX_BYTES: String(16 * 1024), LOBBY_MESSAGE_MAX: '10000' },
    });
  });
  afterAll(async () => {
    opened.forEach((client) => client.close());
    await server.close();
  });

  it('streams one lobby’s broadcasts, in order, and nothing of another lobby', async () => {
    const appId = await server.api.createApp();
    const otherApp = await server.api.createApp();
    const feed = await openFeed(server, appId);
    opened.push(feed);
    const user = await server.api.createUser(uniqueUname('speaker'));
    const elsewhere = await LobbyClient.join(server.url, otherApp, user.hashedToken);
    await elsewhere.say('not in this lobby');
    const speaker = await LobbyClient.join(server.url, appId, user.hashedToken);
    opened.push(elsewhere, speaker);
    await speaker.say('hello, feed');
    await feed.waitFor('new_message');
    expect(feed.events).toEqual([
      { event: 'user_joined', data: { id: user.id, uname: user.uname, role: 'member' } },
      {
        event: 'new_message',
        data: { id: expect.any(Number), user: { uname: user.uname, role: 'member' }, text: 'hello, feed' },
      },
    ]);
  });

  it('refuses a page of a foreign origin (403) and answers an unknown lobby 404', async () => {
    const appId = await server.api.createApp();
    expect(await SseClient.open(feedUrl(server, appId), { Origin: 'https://evil.example' })).toEqual({
      status: 403,
      body: 'origin not allowed',
    });
    expect(await SseClient.open(feedUrl(server, 999_999), { Origin: SITE })).toEqual({
      status: 404,
      body: 'app_not_found',
    });
  });

  it('cuts a stream that stopped reading once it holds OUTGOING_BUFFER_MAX_BYTES unsent, and keeps serving', async () => {
    const appId = await server.api.createApp();
    const before = await connections(server, 'lobby-feed');
    const stalled = await openFeed(server, appId);
    opened.push(stalled);
    expect(await connections(server, 'lobby-feed')).toBe(before + 1);
    const user = await server.api.createUser(uniqueUname('talker'));
    const talkers = await Promise.all([1, 2, 3, 4, 5].map(() => LobbyClient.join(server.url, appId, user.hashedToken)));
    opened.push(...talkers);
    stalled.socket.pause();

    // Bounded: well past the kernel's loopback buffers plus the bound, and stops once the stream is gone.
    let sent = 0;
    for (let batch = 0; batch < 60 && (await connections(server, 'lobby-feed')) > before; batch++) {
      await Promise.all(talkers.flatMap((talker) => Array.from({ length: 10 }, () => talker.say(BIG))));
      sent += 50;
    }
    expect(await connections(server, 'lobby-feed')).toBe(before);
    stalled.socket.resume();
    await stalled.waitForEnd();
    expect(stalled.of('new_message').length).toBeLessThan(sent);

    const fresh = await openFeed(server, appId);
    opened.push(fresh);
    await talkers[0].say('still serving');
    expect((await fresh.waitFor('new_message'))[0]).toMatchObject({ text: 'still serving' });
  });
});

describe('the SSE lobby feed example’s connection caps', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestingApp({ imports: [LobbyFeedModule], env: { MAX_SOCKETS_PER_IP: '2' } });
  });
  afterAll(() => server.close());

  it('refuses a third stream from one address (429) while two are open, and admits one once a slot is free', async () => {
    const appId = await server.api.createApp();
    const first = await openFeed(server, appId, {});
    const second = await openFeed(server, appId, {});
    expect(await SseClient.open(feedUrl(server, appId))).toEqual({
      status: 429,
      body: 'too many connections from this address',
    });
    first.close();
    let third: SseClient | null = null;
    // The slot comes back when the server has handled the close, which nothing announces to the client.
    await until(
      async () => {
        const opening = await SseClient.open(feedUrl(server, appId));
        third = opening.client ?? null;
        return third !== null;
      },
      { what: 'a slot freed by the closed stream' },
    );
    second.close();
    (third as SseClient | null)?.close();
  });
});
