import WebSocket from 'ws';

export interface Frame {
  command: string;
  data: any;
  error?: string;
}

/** A raw WebSocket client of the seller chat that records every frame it receives, in order. */
export class SellerClient {
  readonly frames: Frame[] = [];
  closeCode: number | null = null;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      this.frames.push(JSON.parse(raw.toString()));
      this.wake();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
  }

  static async connect(
    baseUrl: string,
    path = '/seller',
    options: WebSocket.ClientOptions = {},
  ): Promise<SellerClient> {
    const socket = new WebSocket(baseUrl.replace(/^http/, 'ws') + path, options);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return new SellerClient(socket);
  }

  send(command: string, data?: unknown): void {
    this.socket.send(JSON.stringify(data === undefined ? { command } : { command, data }));
  }

  /** Sends a frame and waits for the next `count` frames this connection receives. */
  async request(command: string, data?: unknown, count = 1): Promise<Frame[]> {
    const before = this.frames.length;
    this.send(command, data);
    await this.until(() => this.frames.length >= before + count, `${count} frame(s) after ${command}`);
    return this.frames.slice(before, before + count);
  }

  /** Waits until `count` frames with this command have arrived in total; returns them. */
  async waitFor(command: string, count = 1, timeoutMs = 3000): Promise<Frame[]> {
    const matching = () => this.frames.filter((f) => f.command === command);
    await this.until(() => matching().length >= count, `${count}× ${command}`, timeoutMs);
    return matching();
  }

  async waitForClose(): Promise<number> {
    await this.until(() => this.closeCode !== null, 'close');
    return this.closeCode as number;
  }

  of(command: string): Frame[] {
    return this.frames.filter((f) => f.command === command);
  }

  /**
   * Resolves once the server has answered a marker sent now on this connection (a WebSocket ping, answered by the
   * server's ws with a pong, after every frame it had queued for this connection), so whatever it had sent before
   * reading the marker has arrived: what a test then finds missing was never sent. What another instance publishes
   * crosses the bus first: `useTestServer`'s `sync` waits for that too.
   */
  async sync(): Promise<void> {
    const payload = Buffer.from(`marker-${++markers}`);
    await new Promise<void>((resolve) => {
      const onPong = (data: Buffer) => {
        if (!data.equals(payload)) return;
        this.socket.off('pong', onPong);
        resolve();
      };
      this.socket.on('pong', onPong);
      this.socket.ping(payload);
    });
  }

  close(): void {
    this.socket.close();
  }

  private async until(done: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`waited ${timeoutMs} ms for ${what}; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    this.waiters.splice(0).forEach((wake) => wake());
  }
}

/** Creates a seller over the provisioning API. */
export async function createSeller(
  api: { post(path: string, body?: unknown): Promise<{ status: number; body: any }> },
  name: string,
) {
  const res = await api.post('/api/sellers', { name });
  if (res.status !== 201) throw new Error(`createSeller: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: number; name: string; token: string };
}

let markers = 0;
