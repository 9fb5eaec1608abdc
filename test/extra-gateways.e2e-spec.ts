import { Module, UseFilters } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { IsString, Length } from 'class-validator';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawWsGatewayOptions } from '../src/realtime/transports/raw-ws-adapter.js';
import { RefusalWsFilter } from '../src/realtime/connection/refusal-ws.filter.js';
import { LobbyClient } from './support/lobby-client.js';
import { createSeller, SellerClient } from './support/seller-client.js';
import type { TestServer } from './support/server.js';
import { startTestingApp } from './support/testing-app.js';
import { until } from './support/until.js';

/** A third raw-ws gateway, as a project's user would add one: its own name, path, parser and frame limit. */
@WebSocketGateway<RawWsGatewayOptions>({
  transport: 'ws',
  name: 'echo',
  path: '/echo',
  maxPayload: 1024,
  parser: (frame) => (typeof frame === 'string' ? { event: 'echo', data: frame } : undefined),
})
class EchoGateway {
  @SubscribeMessage('echo')
  echo(@MessageBody() text: string) {
    return { echoed: text };
  }
}

class ShoutDto {
  @IsString()
  @Length(1, 5)
  text!: string;
}

/** A socket.io gateway in its own namespace with a validated DTO body. */
@WebSocketGateway({ namespace: '/shout' })
@UseFilters(RefusalWsFilter)
class ShoutGateway {
  /** Nest's reply rules: a returned value is the ack; one with an `event` key is emitted instead. */
  @SubscribeMessage('whisper')
  whisper(@MessageBody() text: string) {
    return text.toLowerCase();
  }

  @SubscribeMessage('knock')
  knock() {
    return { event: 'door', data: 'open' };
  }

  @SubscribeMessage('shout')
  shout(@ConnectedSocket() socket: Socket, @MessageBody() body: ShoutDto) {
    socket.emit('shouted', body.text.toUpperCase());
  }
}

@Module({ providers: [EchoGateway, ShoutGateway] })
class ExtraGatewaysModule {}

/** A second raw-ws gateway on a path, declared or configured, that another one already has. */
function gatewayAt(path: string) {
  @WebSocketGateway<RawWsGatewayOptions>({ transport: 'ws', name: 'echo-again', path })
  class EchoAgainGateway {
    @SubscribeMessage('echo')
    echo(@MessageBody() text: string) {
      return { again: text };
    }
  }
  @Module({ providers: [EchoAgainGateway] })
  class EchoAgainModule {}
  return EchoAgainModule;
}

describe('gateways added beside the two protocols, on the one port', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestingApp({ imports: [ExtraGatewaysModule], env: { SELLER_WS_PATH: '/chat/seller' } });
  });
  afterAll(() => server.close());

  it('serves a raw-ws gateway at its own path with its own parser and frame limit', async () => {
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/echo`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const reply = new Promise((resolve) => socket.once('message', (data) => resolve(JSON.parse(data.toString()))));
    socket.send('plain text, not JSON');
    expect(await reply).toEqual({ echoed: 'plain text, not JSON' });
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.send('x'.repeat(2000));
    expect(await closed).toBe(1009);
  });

  it('keeps the seller chat at its configured path and the lobby on socket.io', async () => {
    const seller = await createSeller(server.api, 'Beside');
    const tab = await SellerClient.connect(server.url, '/chat/seller');
    const [auth] = await tab.request('auth', { id: seller.id, token: seller.token });
    expect(auth).toEqual({ command: 'auth', data: { name: 'Beside', chats: {} } });
    tab.close();
    await expect(SellerClient.connect(server.url, '/seller')).rejects.toThrow();

    const appId = await server.api.createApp();
    const lobby = await LobbyClient.connect(server.url);
    expect(await lobby.auth({ app_id: appId })).toEqual([
      null,
      { room: { users: {}, history: [], muteList: {}, slowMode: 0 } },
    ]);
    expect(lobby.socket.io.engine.transport.name).toBe('websocket');
    lobby.close();
  });

  it('acks a socket.io handler’s return value, and emits one that names an event', async () => {
    const socket = io(`${server.url}/shout`, { transports: ['websocket'], forceNew: true, reconnection: false });
    try {
      await new Promise<void>((resolve, reject) =>
        socket.once('connect', () => resolve()).once('connect_error', reject),
      );
      expect(await socket.emitWithAck('whisper', 'QUIET')).toBe('quiet');
      const door = new Promise((resolve) => socket.once('door', resolve));
      socket.emit('knock');
      expect(await door).toBe('open');
    } finally {
      socket.close();
    }
  });

  it('answers a socket.io gateway’s invalid DTO with a coded refusal, not "Internal server error"', async () => {
    const socket = io(`${server.url}/shout`, { transports: ['websocket'], forceNew: true, reconnection: false });
    try {
      const events: unknown[] = [];
      socket.onAny((event, payload) => events.push([event, payload]));
      await new Promise<void>((resolve, reject) =>
        socket.once('connect', () => resolve()).once('connect_error', reject),
      );
      socket.emit('shout', { text: 'far too long' });
      await until(() => events.length >= 1);
      socket.emit('shout', { text: 'hey' });
      await until(() => events.length >= 2);
      expect(events).toEqual([
        [
          'exception',
          { status: 'error', code: 'invalid_input', message: 'text must be shorter than or equal to 5 characters' },
        ],
        ['shouted', 'HEY'],
      ]);
    } finally {
      socket.close();
    }
  });

  it('ends, unanswered, an upgrade on a path no gateway serves, about a second later', async () => {
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const started = Date.now();
    const ended = new Promise((resolve) => socket.once('close', resolve));
    socket.write(
      'GET /nowhere HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await ended;
    expect(Buffer.concat(received).toString()).toBe('');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe('two raw-ws gateways on one path', () => {
  it('refuses to start, naming both, when they declare the same path', async () => {
    await expect(startTestingApp({ imports: [ExtraGatewaysModule, gatewayAt('/echo')] })).rejects.toThrow(
      'raw-ws gateways EchoGateway and EchoAgainGateway both declare the path /echo: give each its own',
    );
  });

  it('refuses one declared where the settings moved another from (Nest would give them one server)', async () => {
    await expect(
      startTestingApp({ imports: [gatewayAt('/seller')], env: { SELLER_WS_PATH: '/chat/seller' } }),
    ).rejects.toThrow(
      'raw-ws gateways SellerGateway and EchoAgainGateway both declare the path /seller: give each its own',
    );
  });

  it('refuses one declared where the settings moved another to', async () => {
    await expect(
      startTestingApp({ imports: [gatewayAt('/chat/seller')], env: { SELLER_WS_PATH: '/chat/seller' } }),
    ).rejects.toThrow(
      'raw-ws gateways SellerGateway and EchoAgainGateway would both serve, as configured, the path /chat/seller: give each its own',
    );
  });
});
