// A lobby client speaking Engine.IO 4 / socket.io 5 over a raw WebSocket:
//   server "0{…}" open · client "40" connect · server "40{…}" connected · "42[ev,arg]" event ·
//   "42<id>[ev,arg]" event with ack · "43<id>[…]" ack · server ping "2" → client pong "3".
import { now } from './pacing.mjs';
import { stats } from './stats.mjs';
import { WsClient } from './ws-client.mjs';

export class SioClient extends WsClient {
  constructor(url, localAddress) {
    super(url, localAddress);
    this.acks = new Map();
    this.nextAck = 0;
    this.probe = false;
  }
  frame(s) {
    if (s === '2') return this.ws.send('3');
    if (s.charCodeAt(0) !== 52 /* 4 */) return;
    const t = s.charCodeAt(1);
    if (t === 50 /* 2: event */) {
      if (s.startsWith('42["new_message"')) {
        stats.received++;
        if (this.probe) {
          const m = /"text":"p([0-9.]+)/.exec(s);
          if (m) stats.probeLatencies.push(now() - Number(m[1]));
        }
      }
    } else if (t === 51 /* 3: ack */) {
      let i = 2;
      while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
      const id = Number(s.slice(2, i));
      const cb = this.acks.get(id);
      if (cb) {
        this.acks.delete(id);
        cb(s.slice(i));
      }
    } else if (t === 48 /* 0: connected */) {
      this.onConnected?.();
    } else if (t === 52 /* 4: connect error */) {
      this.onConnectError?.(s);
    }
  }
  emit(event, arg, cb) {
    if (!this.isOpen()) return false;
    if (cb) {
      const id = this.nextAck++;
      this.acks.set(id, cb);
      this.ws.send(`42${id}${JSON.stringify([event, arg])}`);
    } else this.ws.send(`42${JSON.stringify([event, arg])}`);
    return true;
  }
  /** Connects the default namespace and sends `auth`; resolves `{ok}` from the ack's first argument. */
  connectAndAuth(authPayload, timeoutMs) {
    return this.authenticate(
      timeoutMs,
      () => this.ws.send('40'),
      (done) => {
        this.onConnectError = (s) => done({ ok: false, why: s.slice(0, 80) });
        this.onConnected = () =>
          this.emit('auth', authPayload, (args) =>
            done(args.startsWith('[null') ? { ok: true } : { ok: false, why: args.slice(0, 80) }),
          );
      },
    );
  }
}
