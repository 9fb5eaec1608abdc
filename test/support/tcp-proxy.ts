import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between the app and a real server that a test can make misbehave: `stall()` holds every byte (both
 * ways, new connections too) until `resume()`, `stallAfter(marker)` does so once a client has sent bytes holding
 * `marker` (those still reach the server), `cut()` destroys every connection it carries.
 */
export class TcpProxy {
  private readonly links = new Set<{ sockets: Socket[]; held: Array<() => void> }>();
  private stalled = false;
  private marker: string | null = null;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new TcpProxy(server, (server.address() as { port: number }).port);
    server.on('connection', (client) => proxy.carry(client, connect(targetPort, targetHost)));
    return proxy;
  }

  stall(): void {
    this.stalled = true;
  }

  stallAfter(marker: string): void {
    this.marker = marker;
  }

  resume(): void {
    this.stalled = false;
    for (const link of this.links) link.held.splice(0).forEach((send) => send());
  }

  cut(): void {
    for (const link of this.links) link.sockets.forEach((socket) => socket.destroy());
    this.links.clear();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private carry(client: Socket, upstream: Socket): void {
    const link = { sockets: [client, upstream], held: [] as Array<() => void> };
    this.links.add(link);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk: Buffer) => {
        const send = () => to.write(chunk);
        if (this.stalled) return link.held.push(send);
        send();
        if (from === client && this.marker !== null && chunk.includes(this.marker)) {
          this.marker = null;
          this.stalled = true;
        }
      });
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      link.sockets.forEach((socket) => socket.destroy());
      this.links.delete(link);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  }
}
