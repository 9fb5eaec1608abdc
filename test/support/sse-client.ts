import { get, type ClientRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export interface SseMessage {
  event: string;
  data: unknown;
}

/** What a stream request got: a stream (200), or a refusal's status and body. */
export type SseOpening = { status: 200; client: SseClient } | { status: number; body: string; client?: undefined };

/** A Server-Sent-Events client over a plain HTTP request that records every event, in order, and skips comments. */
export class SseClient {
  readonly events: SseMessage[] = [];
  /** Every byte of the stream received so far. */
  received = 0;
  ended = false;
  private text = '';
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly request: ClientRequest,
    private readonly response: IncomingMessage,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.received += Buffer.byteLength(chunk);
      this.text += chunk;
      let end: number;
      while ((end = this.text.indexOf('\n\n')) >= 0) {
        const block = this.text.slice(0, end);
        this.text = this.text.slice(end + 2);
        const lines = block.split('\n').filter((line) => !line.startsWith(':'));
        if (lines.length === 0) continue;
        const field = (name: string) => lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2);
        this.events.push({ event: field('event') ?? 'message', data: JSON.parse(field('data') ?? 'null') });
      }
      this.wake();
    });
    const end = () => {
      this.ended = true;
      this.wake();
    };
    response.once('end', end).once('close', end).once('error', end);
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<SseOpening> {
    return new Promise((resolve, reject) => {
      const request = get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (response) => {
        if (response.statusCode === 200) return resolve({ status: 200, client: new SseClient(request, response) });
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.once('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.once('error', reject);
    });
  }

  /** The TCP connection under the stream (pause it to stop reading). */
  get socket(): Socket {
    return this.response.socket;
  }

  of(event: string): unknown[] {
    return this.events.filter((message) => message.event === event).map((message) => message.data);
  }

  async waitFor(event: string, count = 1, timeoutMs = 3000): Promise<unknown[]> {
    await this.until(() => this.of(event).length >= count, `${count} "${event}" event(s)`, timeoutMs);
    return this.of(event);
  }

  /** Resolves once the server has ended the stream. */
  waitForEnd(timeoutMs = 5000): Promise<void> {
    return this.until(() => this.ended, 'the end of the stream', timeoutMs);
  }

  close(): void {
    this.request.destroy();
  }

  private until(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`waited ${timeoutMs} ms for ${what}`)), timeoutMs);
      const check = () => {
        if (this.ended || done()) {
          clearTimeout(timer);
          if (done()) resolve();
          else reject(new Error(`the stream ended before ${what}`));
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  private wake(): void {
    this.waiters.splice(0).forEach((wake) => wake());
  }
}
