// What both protocol clients share: one raw `ws` WebSocket without compression (to stay cheap), closes counted in
// the step's stats, and the authentication handshake's failure cases.
import WebSocket from 'ws';
import { stats } from './stats.mjs';

export class WsClient {
  /** `localAddress`: the loopback source address to connect from (one address has about 28,000 ephemeral ports). */
  constructor(url, localAddress) {
    this.ws = new WebSocket(url, { perMessageDeflate: false, localAddress });
    this.closed = false;
    this.ws.on('message', (data) => this.frame(data.toString()));
    this.ws.on('close', () => {
      this.closed = true;
      stats.closed++;
    });
    this.ws.on('error', () => {});
  }
  isOpen() {
    return !this.closed && this.ws.readyState === WebSocket.OPEN;
  }
  /** Runs `hello()` once open and `listen(done)` now; resolves with what `listen` passes to `done`, or
   * `{ok: false, why}` on timeout, close, HTTP refusal or socket error. `authSettled()` runs on every `done`. */
  authenticate(timeoutMs, hello, listen) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ ok: false, why: 'timeout' }), timeoutMs);
      const done = (r) => {
        clearTimeout(timer);
        this.authSettled();
        resolve(r);
      };
      this.ws.on('open', hello);
      this.ws.on('close', () => done({ ok: false, why: 'closed' }));
      this.ws.on('unexpected-response', (_req, res) => done({ ok: false, why: `http ${res.statusCode}` }));
      this.ws.on('error', (e) => done({ ok: false, why: e.code ?? e.message }));
      listen(done);
    });
  }
  authSettled() {}
  close() {
    try {
      this.ws.terminate();
    } catch {
      /* already gone */
    }
  }
}
