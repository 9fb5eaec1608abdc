import { createHash } from 'node:crypto';

/** How long a resent message is recognised: the original client's reconnect loop resends within seconds. */
export const RESEND_WINDOW_MS = 60_000;
/** Most sends remembered per instance; the oldest are forgotten first. */
const MAX_REMEMBERED = 50_000;

/**
 * The seller chat's recent sends, by (chat, author, clientDate, text), so a client that resends a message (its
 * reconnect loop does, when the ack was lost with the connection) gets the original back instead of a second
 * copy. Sends still being stored are remembered too, so a resend racing the original waits for it. In memory:
 * a resend that reaches another instance is stored again.
 */
export class RecentSends<T> {
  private readonly sends = new Map<string, { result: Promise<T>; expiresAt: number }>();

  /** The original of this send if it is recent, else runs `store` and remembers its result. */
  once(key: { chatId: number; authorId: number; clientDate: unknown; text: string }, now: number, store: () => Promise<T>): {
    result: Promise<T>;
    repeated: boolean;
  } {
    this.forgetExpired(now);
    const id = keyOf(key);
    const known = this.sends.get(id);
    if (known) return { result: known.result, repeated: true };
    const result = store();
    this.sends.set(id, { result, expiresAt: now + RESEND_WINDOW_MS });
    // A send that failed was not stored: a resend must try again.
    result.catch(() => this.sends.delete(id));
    if (this.sends.size > MAX_REMEMBERED) this.sends.delete(this.sends.keys().next().value as string);
    return { result, repeated: false };
  }

  private forgetExpired(now: number): void {
    // Insertion order is expiry order, so the expired ones are at the front.
    for (const [id, send] of this.sends) {
      if (send.expiresAt > now) break;
      this.sends.delete(id);
    }
  }
}

function keyOf({ chatId, authorId, clientDate, text }: { chatId: number; authorId: number; clientDate: unknown; text: string }): string {
  const digest = createHash('sha256').update(text).digest('base64');
  return `${chatId}:${authorId}:${JSON.stringify(clientDate)}:${digest}`;
}
