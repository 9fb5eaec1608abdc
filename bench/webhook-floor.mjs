// The floor under Chatgate's webhook cost: plain Node (no Nest, no database, no signing) POSTing webhook-shaped bodies
// over kept-alive connections, as many at once as Chatgate's default WEBHOOK_CONCURRENCY. intake-features measures its
// CPU per request at the rates of its ladder, in the same run and on the same core as Chatgate: what is left of the
// webhook cost above it is Chatgate's, not the HTTP request's.
//   node bench/webhook-floor.mjs   listens on 127.0.0.1 (PORT, 0 = any) for its orders and prints
//                                  `listening on http://127.0.0.1:<port>` like Chatgate. `POST /run {url, rate, ms}`
//                                  posts to `url` at `rate`/s for `ms` (rate 0: back to back, CONCURRENCY at once),
//                                  waits for the last answer, and answers `{sent, answered, failed}`.
import { Agent, createServer, request } from 'node:http';
import { now, paced } from './load/pacing.mjs';

/** Chatgate's WEBHOOK_CONCURRENCY default: attempts in flight at once, so connections at once. */
const CONCURRENCY = 10;
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY, timeout: 5000 });
/** A `webhook-signature` of the real length (`v1,` and 44 base64 characters), never checked by the bench's receiver. */
const SIGNATURE = `v1,${'A'.repeat(43)}=`;
let seq = 0;

/** A `lobby.message.created` body as Chatgate sends it for the bench's messages. */
function body() {
  const at = new Date().toISOString();
  const id = ++seq;
  const message = {
    id,
    user: { uname: `u${(id % 100).toString(16).padStart(8, '0')}`, role: 'member' },
    text: `m${id}`,
  };
  return JSON.stringify({
    type: 'lobby.message.created',
    timestamp: at,
    data: { appId: (id % 1000) + 1, message: { ...message, createdAt: at } },
  });
}

function post(target, counts, done) {
  const payload = body();
  const req = request(target, {
    method: 'POST',
    agent,
    headers: {
      'webhook-id': `msg_${seq.toString(16).padStart(32, '0')}`,
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': SIGNATURE,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    },
  });
  req.once('response', (res) => {
    res.resume();
    counts[res.statusCode >= 200 && res.statusCode < 300 ? 'answered' : 'failed']++;
    done();
  });
  req.once('error', () => {
    counts.failed++;
    done();
  });
  req.end(payload);
}

async function run({ url, rate, ms }) {
  const target = new URL(url);
  const counts = { sent: 0, answered: 0, failed: 0 };
  let wake = null;
  const done = () => counts.answered + counts.failed === counts.sent && wake?.();
  if (rate === 0) {
    const t0 = now();
    const next = () => {
      if (now() - t0 >= ms) return done();
      counts.sent++;
      post(target, counts, next);
    };
    for (let i = 0; i < CONCURRENCY; i++) next();
  } else {
    await paced(now(), { rate, ms, pauseMs: 2 }, () => {
      counts.sent++;
      post(target, counts, done);
      return true;
    });
  }
  if (counts.answered + counts.failed < counts.sent) await new Promise((resolve) => (wake = resolve));
  return counts;
}

const http = createServer((req, res) => {
  let text = '';
  req.on('data', (chunk) => (text += chunk));
  req.on('end', async () => {
    if (req.method !== 'POST' || req.url !== '/run') return res.writeHead(404).end();
    const counts = await run(JSON.parse(text));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts));
  });
});
http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${http.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
