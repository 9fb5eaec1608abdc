import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A site's webhook receiver: node:http on 127.0.0.1, recording every request in order. `answer` decides each
 * response (200 by default); it may also leave a request hanging or write a redirect.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  answer: (request: ReceivedWebhook, response: ServerResponse) => void = (_, response) => response.end();
  /** TCP connections the sender opened to this receiver. */
  connections = 0;
  private waiters: (() => void)[] = [];

  private readonly server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = { headers: request.headers, body: Buffer.concat(chunks).toString() };
      this.received.push(received);
      this.answer(received, response);
      this.waiters.splice(0).forEach((wake) => wake());
    });
  });
  url = '';

  /** Listens on 127.0.0.1 (on `port`, or a free one). */
  static async start(port = 0): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    receiver.server.on('connection', () => receiver.connections++);
    await new Promise<void>((resolve) => receiver.server.listen(port, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as { port: number }).port}/hooks`;
    return receiver;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** Waits until `count` requests have arrived in total. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedWebhook[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`waited for ${count} webhook(s); got ${JSON.stringify(this.received.map((r) => r.body))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received.slice(0, count);
  }

  /** The request's body as the receiver would trust it: verified with the endpoint's secret, then parsed. */
  static verify(secret: string, request: ReceivedWebhook): { type: string; timestamp: string; data: any } {
    return new Webhook(secret).verify(request.body, request.headers as Record<string, string>) as any;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Settings that make webhook rounds and retries quick in tests; WEBHOOK_ALLOW_PRIVATE for the 127.0.0.1 receiver. */
export const QUICK_WEBHOOKS: Record<string, string> = {
  WEBHOOK_ALLOW_PRIVATE: 'true',
  WEBHOOK_POLL_INTERVAL_MS: '50',
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_RETRY_MAX_DELAY_MS: '200',
  WEBHOOK_TIMEOUT_MS: '1000',
};
