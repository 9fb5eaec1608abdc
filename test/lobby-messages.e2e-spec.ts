import { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { LobbyClient } from './support/lobby-client.js';
import { startServer, uniqueUname } from './support/server.js';
import { syncClients, useTestServer } from './support/suite.js';

describe('lobby new_message (protocols.md §1.3)', () => {
  const suite = useTestServer({ LOBBY_HISTORY_SIZE: '3' });
  const join = suite.joinLobby;

  it('answers an anonymous sender USER_REQUIRED, and nothing when it gave no ack', async () => {
    const appId = await suite.api.createApp();
    const anon = await join(appId);
    expect(await anon.say('hello')).toEqual(['USER_REQUIRED']);
    anon.socket.emit('new_message', 'hello');
    await suite.sync(anon);
    expect(anon.received).toEqual([]);
  });

  it('broadcasts a message to the whole lobby, sender included, before the empty ack', async () => {
    const appId = await suite.api.createApp();
    const otherAppId = await suite.api.createApp();
    const alice = await suite.api.createUser(uniqueUname('alice'));
    const sender = await join(appId, alice.hashedToken);
    const reader = await join(appId);
    const elsewhere = await join(otherAppId);

    const ackArgs = await sender.say('  <b>Hello</b>, world!  ');
    expect(ackArgs).toEqual([]);
    const [message] = sender.events('new_message').map(([, m]) => m) as any[];
    expect(message).toEqual({
      id: expect.any(Number),
      user: { uname: alice.uname, role: 'member' },
      text: '<b>Hello</b>, world!',
    });
    expect(await reader.waitFor('new_message')).toEqual([message]);
    await suite.sync(elsewhere, sender);
    expect(elsewhere.received).toEqual([]);
    expect(sender.received).toEqual([['new_message', message]]);
  });

  it('gives strictly increasing ids and keeps one sender’s order', async () => {
    const appId = await suite.api.createApp();
    const bob = await suite.api.createUser(uniqueUname('bob'));
    const sender = await join(appId, bob.hashedToken);
    const texts = Array.from({ length: 20 }, (_, i) => `m${i}`);
    const acks = await Promise.all(texts.map((t) => sender.say(t)));
    expect(acks).toEqual(texts.map(() => []));
    const received = sender.events('new_message').map(([, m]) => m as { id: number; text: string });
    expect(received.map((m) => m.text)).toEqual(texts);
    for (let i = 1; i < received.length; i++) expect(received[i].id).toBeGreaterThan(received[i - 1].id);
  });

  it('sends history on join: the last LOBBY_HISTORY_SIZE messages, oldest first', async () => {
    const appId = await suite.api.createApp([], []);
    const carol = await suite.api.createUser(uniqueUname('carol'), 'admin');
    const sender = await join(appId, carol.hashedToken);
    for (const text of ['one', 'two', 'three', 'four']) expect(await sender.say(text)).toEqual([]);
    const late = await join(appId);
    expect(late.data.room.history).toEqual(
      sender
        .events('new_message')
        .slice(1)
        .map(([, m]) => m),
    );
    expect(late.data.room.history.map((m: any) => m.text)).toEqual(['two', 'three', 'four']);
    expect(late.data.room.history[0].user).toEqual({ uname: carol.uname, role: 'admin' });
  });

  it.each([
    ['a number', 42],
    ['an object', { text: 'hi' }],
    ['missing', undefined],
  ])('answers a text that is %s with client_error and no ack', async (_, text) => {
    const appId = await suite.api.createApp();
    const dave = await suite.api.createUser(uniqueUname('dave'));
    const sender = await join(appId, dave.hashedToken);
    const tracked = sender.emitTrackingAck('new_message', text);
    expect(await sender.waitFor('client_error')).toEqual(['`new_message` requires string as first argument']);
    await suite.sync(sender);
    expect(tracked.acked).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['only whitespace', ' \n\t '],
    ['141 characters', 'x'.repeat(141)],
    ['141 emoji', '😀'.repeat(141)],
  ])('answers a text that is %s with the length client_error', async (_, text) => {
    const appId = await suite.api.createApp();
    const erin = await suite.api.createUser(uniqueUname('erin'));
    const sender = await join(appId, erin.hashedToken);
    const tracked = sender.emitTrackingAck('new_message', text);
    expect(await sender.waitFor('client_error')).toEqual(['`new_message` text must be 1-140 chars']);
    await suite.sync(sender);
    expect(tracked.acked).toEqual([]);
    expect(sender.events('new_message')).toEqual([]);
  });

  it('counts code points: 140 emoji and 140 characters around whitespace are accepted', async () => {
    const appId = await suite.api.createApp();
    const fay = await suite.api.createUser(uniqueUname('fay'));
    const sender = await join(appId, fay.hashedToken);
    expect(await sender.say('😀'.repeat(140))).toEqual([]);
    expect(await sender.say(`   ${'y'.repeat(140)}   `)).toEqual([]);
  });

  it('refuses /mute and /unmute from members', async () => {
    const appId = await suite.api.createApp();
    const gus = await suite.api.createUser(uniqueUname('gus'));
    const sender = await join(appId, gus.hashedToken);
    const tracked = ['/mute bob 10', '/unmute bob', '/muted'].map((text) =>
      sender.emitTrackingAck('new_message', text),
    );
    expect(await sender.waitFor('system_message', 3)).toEqual(Array(3).fill('You are not authorized to do that'));
    await suite.sync(sender);
    expect(tracked.map(({ acked }) => acked)).toEqual([[], [], []]);
    expect(sender.events('new_message')).toEqual([]);
  });
});

describe('lobby new_message with a custom LOBBY_MESSAGE_MAX', () => {
  it('names the configured maximum in the error', async () => {
    const server = await startServer({ LOBBY_MESSAGE_MAX: '5' });
    try {
      const appId = await server.api.createApp();
      const user = await server.api.createUser(uniqueUname('hal'));
      const client = await LobbyClient.connect(server.url);
      await client.auth({ app_id: appId, hashed_token: user.hashedToken });
      expect(await client.say('12345')).toEqual([]);
      client.socket.emit('new_message', '123456');
      expect(await client.waitFor('client_error')).toEqual(['`new_message` text must be 1-5 chars']);
      client.close();
    } finally {
      await server.close();
    }
  });
});

describe('lobby new_message when storage fails', () => {
  it('acks INTERNAL_ERROR and broadcasts nothing', async () => {
    const server = await startServer();
    try {
      const appId = await server.api.createApp();
      const user = await server.api.createUser(uniqueUname('ivy'));
      const sender = await LobbyClient.connect(server.url);
      const reader = await LobbyClient.connect(server.url);
      await sender.auth({ app_id: appId, hashed_token: user.hashedToken });
      await reader.auth({ app_id: appId });
      await server.app.get(DataSource).query('DROP TABLE messages');
      expect(await sender.say('lost?')).toEqual(['INTERNAL_ERROR']);
      await syncClients(server, sender, reader);
      expect(sender.received).toEqual([]);
      expect(reader.received).toEqual([]);
      sender.close();
      reader.close();
    } finally {
      await server.close();
    }
  });
});
