import type { ServerResponse } from 'node:http';
import {
  type ClientTransport,
  type CloseListener,
  closeListenerFunction,
  newConnectionId,
} from '../connection/client-transport.js';

/** One Server-Sent Event: its name and its payload (sent as JSON). */
export interface SseEvent {
  event: string;
  data: unknown;
}

/**
 * A Server-Sent-Events response as the connection core sees it (client-transport.ts). It bounds its own unsent
 * bytes, as the WebSocket adapters bound theirs (OUTGOING_BUFFER_MAX_BYTES): every write goes through `write`, and
 * a peer that stopped reading is cut at the TCP level once the response holds more than `maxBufferedBytes`. SSE has
 * no close frame: every close just ends the response (EventSource reconnects on its own).
 */
export class SseClientTransport implements ClientTransport<SseEvent> {
  readonly id = newConnectionId();

  constructor(
    private readonly response: ServerResponse,
    readonly address: string,
    readonly origin: string | undefined,
    private readonly maxBufferedBytes: number,
    private readonly onDrop: () => void,
  ) {}

  get isOpen(): boolean {
    return !this.response.destroyed && !this.response.writableEnded;
  }

  /** What the response holds and what its TCP socket holds, unsent. */
  get bufferedBytes(): number {
    return this.response.writableLength;
  }

  send(frame: SseEvent): void {
    this.write(`event: ${frame.event}\ndata: ${JSON.stringify(frame.data)}\n\n`);
  }

  /** A comment line: keeps proxies from timing the stream out, and makes a reader that stopped show in the bound. */
  heartbeat(): void {
    this.write(':\n\n');
  }

  close(): void {
    if (this.isOpen) this.response.end();
  }

  onClose(listener: CloseListener): void {
    this.response.once('close', closeListenerFunction(listener));
  }

  private write(text: string): void {
    if (!this.isOpen) return;
    this.response.write(text);
    if (this.bufferedBytes > this.maxBufferedBytes) {
      this.onDrop();
      this.response.destroy();
    }
  }
}
