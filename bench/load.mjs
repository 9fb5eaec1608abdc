// The load generator: a child process of bench/run.mjs (forked with IPC, pinned to core 1 where taskset exists).
// It holds the client sockets and runs one operation per IPC request {id, op, args}, answering {id, result} or
// {id, error}. Lobby clients speak Engine.IO 4 / socket.io 5 over a raw `ws` WebSocket to stay cheap:
//   server "0{…}" open · client "40" connect · server "40{…}" connected · "42[ev,arg]" event ·
//   "42<id>[ev,arg]" event with ack · "43<id>[…]" ack · server ping "2" → client pong "3".
// Seller clients speak the AH Chat frames ({command, data}) of /work/shared/protocols.md §2.
// Every loop is bounded by a count and a deadline; only 127.0.0.1 is contacted.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const groups = new Map(); // name -> array of clients
const now = () => performance.now();

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
function summary(latencies) {
  const s = Float64Array.from(latencies).sort();
  const r = (x) => (x === null ? null : Math.round(x * 100) / 100);
  return {
    n: s.length,
    p50: r(percentile(s, 50)),
    p99: r(percentile(s, 99)),
    max: r(s.length ? s[s.length - 1] : null),
  };
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- socket.io client over raw ws
class SioClient {
  constructor(url) {
    this.ws = new WebSocket(url, { perMessageDeflate: false });
    this.acks = new Map();
    this.nextAck = 0;
    this.received = 0; // new_message frames
    this.probe = false;
    this.closed = false;
    this.ws.on('message', (data) => this.frame(data.toString()));
    this.ws.on('close', () => {
      this.closed = true;
      stats.closed++;
    });
    this.ws.on('error', () => {});
  }
  frame(s) {
    if (s === '2') return this.ws.send('3');
    if (s.charCodeAt(0) !== 52 /* 4 */) return;
    const t = s.charCodeAt(1);
    if (t === 50 /* 2: event */) {
      if (s.startsWith('42["new_message"')) {
        this.received++;
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
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return false;
    if (cb) {
      const id = this.nextAck++;
      this.acks.set(id, cb);
      this.ws.send(`42${id}${JSON.stringify([event, arg])}`);
    } else this.ws.send(`42${JSON.stringify([event, arg])}`);
    return true;
  }
  /** Connects the default namespace and sends `auth`; resolves with the ack's arguments (raw JSON text). */
  connectAndAuth(authPayload, timeoutMs) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ ok: false, why: 'timeout' }), timeoutMs);
      const done = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.ws.on('open', () => this.ws.send('40'));
      this.ws.on('close', () => done({ ok: false, why: 'closed' }));
      this.ws.on('unexpected-response', (_req, res) => done({ ok: false, why: `http ${res.statusCode}` }));
      this.ws.on('error', (e) => done({ ok: false, why: e.code ?? e.message }));
      this.onConnectError = (s) => done({ ok: false, why: s.slice(0, 80) });
      this.onConnected = () =>
        this.emit('auth', authPayload, (args) =>
          done(args.startsWith('[null') ? { ok: true } : { ok: false, why: args.slice(0, 80) }),
        );
    });
  }
  close() {
    try {
      this.ws.terminate();
    } catch {
      /* already gone */
    }
  }
}

// ---------------------------------------------------------------- seller-chat client
class SellerClient {
  constructor(url) {
    this.ws = new WebSocket(url, { perMessageDeflate: false });
    this.pending = new Map(); // clientDate -> send time
    this.chatId = null;
    this.peerIndex = -1;
    this.closed = false;
    this.ws.on('message', (data) => this.frame(data.toString()));
    this.ws.on('close', () => {
      this.closed = true;
      stats.closed++;
    });
    this.ws.on('error', () => {});
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
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(obj));
    return true;
  }
  connectAndAuth(authData, timeoutMs) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ ok: false, why: 'timeout' }), timeoutMs);
      const done = (r) => {
        clearTimeout(timer);
        this.onFrame = null;
        resolve(r);
      };
      this.ws.on('open', () => this.send({ command: 'auth', data: authData }));
      this.ws.on('close', () => done({ ok: false, why: 'closed' }));
      this.ws.on('unexpected-response', (_req, res) => done({ ok: false, why: `http ${res.statusCode}` }));
      this.ws.on('error', (e) => done({ ok: false, why: e.code ?? e.message }));
      this.onFrame = (s) => {
        if (!s.startsWith('{"command":"auth"')) return;
        const f = JSON.parse(s);
        if (f.error) return done({ ok: false, why: f.error });
        const ids = Object.keys(f.data.chats ?? {});
        this.chatId = ids.length === 1 ? ids[0] : null;
        done({ ok: true });
      };
    });
  }
  close() {
    try {
      this.ws.terminate();
    } catch {
      /* already gone */
    }
  }
}

let stats;
function resetStats() {
  stats = {
    received: 0,
    closed: 0,
    acked: 0,
    errors: 0,
    errorSample: null,
    outstanding: 0,
    ackLatencies: [],
    probeLatencies: [],
  };
}
resetStats();

// ---------------------------------------------------------------- operations
/** Opens one client per spec in batches of `batch` concurrent handshakes; keeps them in group `name`. */
async function connect({ name, kind, url, specs, batch = 200, timeoutMs = 20000, deadlineMs = 180000 }) {
  const list = groups.get(name) ?? [];
  groups.set(name, list);
  const t0 = now();
  let ok = 0;
  const failures = {};
  for (let i = 0; i < specs.length && now() - t0 < deadlineMs; i += batch) {
    const chunk = specs.slice(i, i + batch);
    const results = await Promise.all(
      chunk.map((spec) => {
        const c = kind === 'sio' ? new SioClient(url) : new SellerClient(url);
        list.push(c);
        return c.connectAndAuth(spec, timeoutMs);
      }),
    );
    for (const r of results) {
      if (r.ok) ok++;
      else failures[r.why] = (failures[r.why] ?? 0) + 1;
    }
  }
  return {
    ms: Math.round(now() - t0),
    ok,
    failed: specs.length - ok,
    failures,
    open: list.length,
  };
}

/** Lobby fan-out: `senders` (the first sockets of the group) send `rate` messages/s in total for `ms`; every socket
 * of the group reads. Probes are spread evenly over the connection order. Waits for delivery to drain. */
async function fanout({ name, senders, rate, ms, probes = 100, drainMs = 15000 }) {
  const list = groups.get(name);
  resetStats();
  const stride = Math.max(1, Math.floor(list.length / probes));
  list.forEach((c, i) => (c.probe = i % stride === Math.floor(stride / 2)));
  let sent = 0;
  let acked = 0;
  let ackErrors = 0;
  let ackSample = null;
  const t0 = now();
  const interval = 1000 / rate;
  let k = 0;
  while (now() - t0 < ms) {
    const due = Math.floor((now() - t0) / interval) + 1;
    while (sent < due) {
      const c = list[k++ % senders];
      const ok = c.emit('new_message', `p${now().toFixed(3)}`, (args) => {
        if (args === '[]') acked++;
        else {
          ackErrors++;
          ackSample ??= args;
        }
      });
      if (ok) sent++;
      else break;
    }
    await sleep(Math.max(1, interval / 2));
  }
  const sendMs = now() - t0;
  const readers = list.filter((c) => !c.closed).length;
  const tDrain = now();
  while (now() - tDrain < drainMs && (acked + ackErrors < sent || stats.received < acked * readers)) await sleep(20);
  const expected = acked * readers;
  return {
    sent,
    acked,
    ackErrors,
    ackSample,
    readers,
    expected,
    received: stats.received,
    lost: expected - stats.received,
    closed: stats.closed,
    sendMs: Math.round(sendMs),
    totalMs: Math.round(now() - t0),
    framesPerSec: Math.round(stats.received / ((now() - t0) / 1000)),
    probe: summary(stats.probeLatencies),
  };
}

/** Open-loop intake: `rate` messages/s in total, round robin over every socket of the group, each socket with at
 * most `maxOutstanding` unacked; latency is send → ack. */
async function intakeStep({ name, rate, ms, maxOutstanding = 20, drainMs = 15000 }) {
  const list = groups.get(name).filter((c) => !c.closed);
  resetStats();
  let sent = 0;
  let skipped = 0;
  let acked = 0;
  let errors = 0;
  let errorSample = null;
  const lat = [];
  const t0 = now();
  const interval = 1000 / rate;
  let k = 0;
  let offered = 0;
  const out = new Map();
  while (now() - t0 < ms) {
    const due = Math.floor((now() - t0) / interval) + 1;
    while (offered < due) {
      offered++;
      const c = list[k++ % list.length];
      const o = out.get(c) ?? 0;
      if (o >= maxOutstanding) {
        skipped++;
        continue;
      }
      out.set(c, o + 1);
      const t = now();
      const ok = c.emit('new_message', `m${sent}`, (args) => {
        out.set(c, out.get(c) - 1);
        if (args === '[]') {
          acked++;
          lat.push(now() - t);
        } else {
          errors++;
          errorSample ??= args;
        }
      });
      if (ok) sent++;
      else out.set(c, o);
    }
    await sleep(2);
  }
  const sendMs = now() - t0;
  const tDrain = now();
  while (now() - tDrain < drainMs && acked + errors < sent) await sleep(10);
  const totalMs = now() - t0;
  return {
    rate,
    sent,
    skipped,
    acked,
    errors,
    errorSample,
    unanswered: sent - acked - errors,
    sendMs: Math.round(sendMs),
    totalMs: Math.round(totalMs),
    ackedPerSec: Math.round(acked / (sendMs / 1000)),
    broadcastsReceived: stats.received,
    closed: stats.closed,
    latency: summary(lat),
  };
}

/** Seller chat: group `name` holds 2*pairs clients, [client0, seller0, client1, seller1, …]; each message goes
 * from one side of a pair to the other (sides alternate), at `rate` messages/s in total. */
let clientDateSeq = 1_700_000_000;
async function sellerStep({ name, rate, ms, maxOutstanding = 20, drainMs = 15000 }) {
  const list = groups.get(name);
  resetStats();
  let sent = 0;
  let skipped = 0;
  const t0 = now();
  const interval = 1000 / rate;
  let k = 0;
  let offered = 0;
  while (now() - t0 < ms) {
    const due = Math.floor((now() - t0) / interval) + 1;
    while (offered < due) {
      offered++;
      const c = list[k++ % list.length];
      if (c.pending.size >= maxOutstanding || c.chatId === null) {
        skipped++;
        continue;
      }
      const clientDate = clientDateSeq++;
      if (
        c.send({
          command: 'message',
          data: { id: 0, text: `m${sent}`, date: 0, clientDate, chatId: c.chatId, my: false },
        })
      ) {
        c.pending.set(clientDate, now());
        stats.outstanding++;
        sent++;
      }
    }
    await sleep(2);
  }
  const sendMs = now() - t0;
  const tDrain = now();
  while (now() - tDrain < drainMs && (stats.outstanding > 0 || stats.received < stats.acked)) await sleep(10);
  return {
    rate,
    sent,
    skipped,
    acked: stats.acked,
    errors: stats.errors,
    errorSample: stats.errorSample,
    delivered: stats.received,
    unanswered: stats.outstanding,
    sendMs: Math.round(sendMs),
    totalMs: Math.round(now() - t0),
    ackedPerSec: Math.round(stats.acked / (sendMs / 1000)),
    closed: stats.closed,
    latency: summary(stats.ackLatencies),
  };
}

/** Group `into` = [from[0][0], from[1][0], from[0][1], from[1][1], …]; the source groups are removed. */
function interleave({ into, from }) {
  const [a, b] = from.map((g) => groups.get(g) ?? []);
  const out = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]) out.push(a[i]);
    if (b[i]) out.push(b[i]);
  }
  from.forEach((g) => groups.delete(g));
  groups.set(into, out);
  return { size: out.length };
}

async function close({ name }) {
  const names = name ? [name] : [...groups.keys()];
  let n = 0;
  for (const g of names) {
    for (const c of groups.get(g) ?? []) {
      c.close();
      n++;
    }
    groups.delete(g);
  }
  await sleep(200);
  return { closed: n };
}

const ops = { connect, fanout, intakeStep, sellerStep, interleave, close };

process.on('message', async ({ id, op, args }) => {
  try {
    const result = await ops[op](args ?? {});
    process.send({ id, result });
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error) });
  }
});
process.on('disconnect', () => process.exit(0));
