import { readFileSync } from 'node:fs';
import { createContext, runInContext } from 'node:vm';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { LobbyClient } from './lobby-client.js';
import { SellerClient } from './seller-client.js';

/** The widgets' transcript (public/widgets/transcript.js), as they run it: the very file, in a context of its own. */
export interface Transcript {
  since: number | null;
  add(id: number): boolean;
  dropped(): void;
}

export function loadTranscript(): new () => Transcript {
  const source = readFileSync(new URL('../../public/widgets/transcript.js', import.meta.url), 'utf8');
  const context = createContext({});
  runInContext(source, context);
  return (context as { ChatgateTranscript: new () => Transcript }).ChatgateTranscript;
}

const Transcript = loadTranscript();

/** What one reconnect's auth asked and was answered. */
export interface Reconnect {
  since: unknown;
  recovered: unknown;
  messages: number;
}

/**
 * A reader whose network drops again and again, merging what it is sent the way the project's widgets do
 * (public/widgets/lobby.js and seller-chat.js around transcript.js): every connection sends `auth` with the
 * transcript's `since`; a message from the auth reply or a push is shown when the transcript did not hold it; a
 * drop tells the transcript. It stays `onlineMs` then is away `offlineMs`, until `stop()`, which leaves it
 * connected. A connection refused (its instance restarting) is tried again every 100 ms, at `url()` as it is then.
 */
abstract class DroppingReader<Message extends { id: number }> {
  readonly shown: Message[] = [];
  readonly reconnects: Reconnect[] = [];
  private stopping = false;
  private loop: Promise<void> | null = null;

  constructor(protected readonly url: () => string) {}

  start(onlineMs: number, offlineMs: number): void {
    this.loop = this.run(onlineMs, offlineMs);
  }

  /** Ends the cycle after its current connection is up; resolves connected. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  protected show(transcript: Transcript, message: Message): void {
    if (transcript.add(message.id)) this.shown.push(message);
  }

  protected abstract connect(): Promise<void>;
  protected abstract drop(): void;
  abstract close(): void;

  private async run(onlineMs: number, offlineMs: number): Promise<void> {
    for (;;) {
      for (;;) {
        try {
          await this.connect();
          break;
        } catch {
          await pause(100);
        }
      }
      if (this.stopping) return;
      await pause(onlineMs);
      if (this.stopping) return;
      this.drop();
      await pause(offlineMs);
    }
  }
}

export interface LobbyMessage {
  id: number;
  user: { uname: string; role: string };
  text: string;
}

export class DroppingLobbyReader extends DroppingReader<LobbyMessage> {
  private readonly transcript = new Transcript();
  private socket: Socket | null = null;

  constructor(
    url: () => string,
    private readonly appId: number,
  ) {
    super(url);
  }

  protected async connect(): Promise<void> {
    const socket = io(this.url(), { transports: ['websocket'], reconnection: false, forceNew: true });
    socket.on('new_message', (message: LobbyMessage) => this.show(this.transcript, message));
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      const since = this.transcript.since;
      const payload = since === null ? { app_id: this.appId } : { app_id: this.appId, since };
      const [error, data] = await new Promise<[unknown, any]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no auth reply within 10 s')), 10_000);
        socket.emit('auth', payload, (...answer: [unknown, any]) => {
          clearTimeout(timer);
          resolve(answer);
        });
      });
      if (error !== null) throw new Error(`auth failed: ${JSON.stringify(error)}`);
      this.reconnects.push({ since, recovered: data.room.recovered, messages: data.room.history.length });
      (data.room.history as LobbyMessage[]).forEach((message) => this.show(this.transcript, message));
      this.socket = socket;
    } catch (error) {
      socket.disconnect();
      throw error;
    }
  }

  protected drop(): void {
    this.socket?.disconnect();
    this.socket = null;
    this.transcript.dropped();
  }

  close(): void {
    this.socket?.disconnect();
  }
}

export interface SellerMessage {
  id: number;
  text: string;
  date: number;
  chatId: number;
}

/** A seller's tab that drops; `since` names each chat whose transcript has a settled id, as seller-chat.js does. */
export class DroppingSellerReader extends DroppingReader<SellerMessage & { my?: true }> {
  private readonly transcripts = new Map<string, Transcript>();
  private socket: WebSocket | null = null;

  constructor(
    url: () => string,
    private readonly seller: { id: number; token: string },
  ) {
    super(url);
  }

  private transcriptOf(chatId: number | string): Transcript {
    let transcript = this.transcripts.get(String(chatId));
    if (!transcript) this.transcripts.set(String(chatId), (transcript = new Transcript()));
    return transcript;
  }

  protected async connect(): Promise<void> {
    const client = await SellerClient.connect(this.url());
    try {
      const since = Object.fromEntries(
        [...this.transcripts].flatMap(([chatId, t]) => (t.since === null ? [] : [[chatId, t.since]])),
      );
      const data = { id: this.seller.id, token: this.seller.token, ...(Object.keys(since).length ? { since } : {}) };
      client.socket.on('message', (raw) => {
        const frame = JSON.parse(raw.toString());
        if (frame.command === 'message') this.show(this.transcriptOf(frame.data.chatId), frame.data);
      });
      const [reply] = await client.request('auth', data);
      if (reply.error) throw new Error(`auth failed: ${reply.error}`);
      for (const [chatId, chat] of Object.entries(reply.data.chats as Record<string, any>)) {
        this.reconnects.push({
          since: since[chatId] ?? null,
          recovered: chat.recovered,
          messages: chat.messages.length,
        });
        for (const message of chat.messages)
          this.show(this.transcriptOf(chatId), { ...message, chatId: Number(chatId) });
      }
      this.socket = client.socket;
    } catch (error) {
      client.close();
      throw error;
    }
  }

  protected drop(): void {
    this.socket?.close();
    this.socket = null;
    this.transcripts.forEach((transcript) => transcript.dropped());
  }

  close(): void {
    this.socket?.close();
  }
}

/**
 * Writers posting `perSecond` messages in all, spread over their connections, each waiting for its ack; `acked`
 * holds the texts acknowledged, `refused` the answers that were not acks. `stop()` resolves once every message sent
 * has been answered.
 */
export class PacedWriters {
  readonly acked: string[] = [];
  readonly refused: unknown[] = [];
  private stopping = false;
  private readonly loops: Promise<void>[];

  constructor(send: ((text: string) => Promise<unknown>)[], perSecond: number) {
    const intervalMs = (1000 * send.length) / perSecond;
    this.loops = send.map(async (say, writer) => {
      const started = performance.now();
      for (let n = 0; !this.stopping; n++) {
        const text = `w${writer}-${n}`;
        const refusal = await say(text);
        if (refusal === undefined) this.acked.push(text);
        else this.refused.push(refusal);
        const next = started + (n + 1) * intervalMs;
        await pause(Math.max(0, next - performance.now()));
      }
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }
}

/** A lobby writer for PacedWriters: undefined when acked, the ack's arguments otherwise. */
export function lobbySay(client: LobbyClient): (text: string) => Promise<unknown> {
  return async (text) => {
    const answer = await client.say(text);
    return answer.length === 0 ? undefined : answer;
  };
}

/** A seller-chat writer for PacedWriters: undefined when acked, the error frame otherwise. */
export function sellerSay(client: SellerClient, chatId: number): (text: string) => Promise<unknown> {
  let clientDate = 0;
  return async (text) => {
    const [answer] = await client.request('message', { text, clientDate: ++clientDate, chatId });
    return answer.error ? answer : undefined;
  };
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
