// A seller-chat client speaking the AH Chat frames ({command, data}) of /work/shared/protocols.md §2. Acks are the
// sender's own echo (`my`) carrying its clientDate; other messages count as delivered.
import { now } from './pacing.mjs';
import { stats } from './stats.mjs';
import { WsClient } from './ws-client.mjs';

export class SellerClient extends WsClient {
  constructor(url) {
    super(url);
    this.pending = new Map(); // clientDate -> send time
    this.chatId = null;
  }
  frame(s) {
    if (s.startsWith('{"command":"message"')) {
      const f = JSON.parse(s);
      if (f.error) {
        stats.errors++;
        stats.errorSample ??= f.error;
        const t = this.pending.get(f.data?.clientDate);
        if (t !== undefined) {
          this.pending.delete(f.data.clientDate);
          stats.outstanding--;
        }
        return;
      }
      if (f.data.clientDate !== undefined && f.data.my) {
        const t = this.pending.get(f.data.clientDate);
        if (t !== undefined) {
          this.pending.delete(f.data.clientDate);
          stats.outstanding--;
          stats.acked++;
          stats.ackLatencies.push(now() - t);
        }
      } else stats.received++;
      return;
    }
    this.onFrame?.(s);
  }
  send(obj) {
    if (!this.isOpen()) return false;
    this.ws.send(JSON.stringify(obj));
    return true;
  }
  /**
   * Sends `auth`; on success keeps the chat id when the reply holds exactly one chat, and the token a name auth's
   * reply gives (for a later sign-in with it: `tokenSpecs`).
   */
  connectAndAuth(authData, timeoutMs) {
    return this.authenticate(
      timeoutMs,
      () => this.send({ command: 'auth', data: authData }),
      (done) => {
        this.onFrame = (s) => {
          if (!s.startsWith('{"command":"auth"')) return;
          const f = JSON.parse(s);
          if (f.error) return done({ ok: false, why: f.error });
          const ids = Object.keys(f.data.chats ?? {});
          this.chatId = ids.length === 1 ? ids[0] : null;
          this.token = f.data.token ?? null;
          done({ ok: true });
        };
      },
    );
  }
  authSettled() {
    this.onFrame = null;
  }
}
