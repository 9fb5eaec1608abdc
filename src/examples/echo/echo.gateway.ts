import type { IncomingMessage } from 'node:http';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { Sessions } from '../../realtime/connection/sessions.js';
import { ClientAddresses } from '../../realtime/limits/client-addresses.js';
import type { RawWsGatewayOptions } from '../../realtime/transports/raw-ws-adapter.js';
import { WsClientTransport } from '../../realtime/transports/ws-client-transport.js';

/**
 * A worked example of a raw-ws gateway (docs/development.md, "Adding a gateway"): `{"event":"hello","data":name}`
 * first, then every `{"event":"echo","data":…}` is answered `{"event":"echo","data":…}`. Its protections are the
 * connection core's and the transport's, none of them written here: the origin allowlist and the connection caps at
 * the handshake, the frame limit and heartbeat it declares, the outgoing bound, the auth deadline (no `hello` in
 * AUTH_DEADLINE_MS: closed 1008), and one request at a time per connection (CONNECTION_QUEUE_MAX).
 */
@WebSocketGateway<RawWsGatewayOptions>({
  transport: 'ws',
  name: 'echo',
  path: '/examples/echo',
  maxPayload: 64 * 1024,
  heartbeatIntervalMs: 30_000,
})
export class EchoGateway implements OnGatewayConnection<WebSocket> {
  constructor(
    private readonly sessions: Sessions,
    private readonly addresses: ClientAddresses,
  ) {}

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    this.sessions.open(socket, 'echo', WsClientTransport.of(socket, request, this.addresses));
  }

  /** The example's "auth": any name will do. What a real gateway checks here is its own. */
  @SubscribeMessage('hello')
  hello(@ConnectedSocket() socket: WebSocket, @MessageBody() name: unknown) {
    this.sessionOf(socket).established();
    return { event: 'hello', data: `hello, ${String(name)}` };
  }

  @SubscribeMessage('echo')
  echo(@ConnectedSocket() socket: WebSocket, @MessageBody() data: unknown) {
    const session = this.sessionOf(socket);
    if (!session.authenticated) return { event: 'error', data: 'say hello first' };
    return session.run(async () => ({ event: 'echo', data }));
  }

  private sessionOf(socket: WebSocket) {
    const session = this.sessions.of(socket);
    if (!session) throw new Error('a frame from a socket the echo gateway never saw connect');
    return session;
  }
}
