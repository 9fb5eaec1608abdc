// `npm run bench [-- <scenario> …]`: starts Chatgate (node dist/src/main.js) and the baselines (bench/baseline.mjs)
// pinned to core 0, drives them from the load generator (bench/load.mjs) pinned to core 1, reads server CPU from
// /proc/<pid>/stat and memory from /proc/<pid>/status plus the preloaded bench/gc-hook.mjs, prints a table and
// writes bench/results/<timestamp>.json. Scenarios: idle-lobby idle-seller fanout intake-sqlite intake-postgres
// seller redis-fanout. Knobs (env): BENCH_SCALE (socket counts × this, default 1), BENCH_PROFILE=1 (CPU profiles and
// heap snapshots of Chatgate under bench/results/profiles/<run>/), BENCH_PG_URL, BENCH_REDIS_URL.
// Every process started here is stopped on success, failure and Ctrl-C.
import { spawn, spawnSync, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const PROFILE = process.env.BENCH_PROFILE === '1';
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN = 'bench-admin-token-' + randomBytes(8).toString('hex');
const HAS_TASKSET =
  spawnSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' }).status === 0 && cpus().length > 1;
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim() || 100);
const RUN_ID = new Date().toISOString().replace(/[:.]/g, '-');
const RESULTS = join(ROOT, 'bench', 'results');
const PROFILE_DIR = join(RESULTS, 'profiles', RUN_ID);
const n = (x) => Math.max(1, Math.round(x * SCALE));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

// ---------------------------------------------------------------- processes
const children = new Set();
const tmpDirs = new Set();
const cleanups = [];

function stopAll() {
  for (const c of children) {
    try {
      process.kill(c.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  children.clear();
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
}
process.on('exit', stopAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    log(`${sig}: stopping everything`);
    stopAll();
    for (const f of cleanups.splice(0)) await f().catch(() => {});
    process.exit(130);
  });
}

class Server {
  constructor(label, script, args, env) {
    this.label = label;
    const node = [process.execPath, '--expose-gc', '--import', join(ROOT, 'bench/gc-hook.mjs'), script, ...args]
      .map((s) => `'${s}'`)
      .join(' ');
    const pin = HAS_TASKSET ? 'taskset -c 0 ' : '';
    this.proc = spawn('sh', ['-c', `ulimit -n $(ulimit -Hn) 2>/dev/null; exec ${pin}${node}`], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(this.proc);
    this.pid = this.proc.pid;
    this.lines = [];
    this.waiters = [];
    const onData = (buf) => {
      for (const line of buf.toString().split('\n')) {
        if (!line) continue;
        this.lines.push(line);
        if (this.lines.length > 2000) this.lines.shift();
        for (const w of [...this.waiters]) if (w.re.test(line)) w.resolve(line);
      }
    };
    this.proc.stdout.on('data', onData);
    this.proc.stderr.on('data', onData);
    this.exited = new Promise((r) => this.proc.on('exit', (code, sig) => r({ code, sig })));
    this.exited.then(() => children.delete(this.proc));
  }
  waitLine(re, ms) {
    return new Promise((resolve, reject) => {
      const w = {
        re,
        resolve: (l) => (clearTimeout(t), (this.waiters = this.waiters.filter((x) => x !== w)), resolve(l)),
      };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(
          new Error(
            `${this.label}: no line matching ${re} in ${ms} ms; last output:\n${this.lines.slice(-15).join('\n')}`,
          ),
        );
      }, ms);
      this.waiters.push(w);
      this.exited.then(({ code, sig }) =>
        reject(new Error(`${this.label} exited (${code ?? sig}):\n${this.lines.slice(-15).join('\n')}`)),
      );
    });
  }
  async started() {
    const line = await this.waitLine(/listening on http:\/\/[^ ]*:(\d+)/, 90000);
    this.port = Number(/http:\/\/[^\s:]+:(\d+)/.exec(line)[1]);
    this.base = `http://127.0.0.1:${this.port}`;
    return this;
  }
  /** CPU seconds (user + system) the server process has used so far. */
  cpu() {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  }
  rssKB() {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'))[1]);
  }
  /** Full GC in the server (via gc-hook), then its memoryUsage and /proc RSS. */
  async memory() {
    const p = this.waitLine(/^BENCH_MEM /, 60000);
    process.kill(this.pid, 'SIGWINCH');
    const m = JSON.parse((await p).slice('BENCH_MEM '.length));
    if (process.env.BENCH_HEAPSNAPSHOT_DIR || this.snapshots)
      await this.waitLine(/^BENCH_HEAPSNAPSHOT /, 120000).catch(() => {});
    return {
      rssKB: this.rssKB(),
      heapUsedKB: Math.round(m.heapUsed / 1024),
      externalKB: Math.round(m.external / 1024),
      arrayBuffersKB: Math.round(m.arrayBuffers / 1024),
    };
  }
  async cutProfile() {
    if (!this.profiling) return null;
    const p = this.waitLine(/^BENCH_CPUPROF /, 60000);
    process.kill(this.pid, 'SIGURG');
    return (await p).slice('BENCH_CPUPROF '.length);
  }
  async stop() {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    const done = await Promise.race([this.exited, sleep(10000).then(() => null)]);
    if (!done) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }
}

const BENCH_LIMITS = {
  LOBBY_PENDING_SESSIONS_PER_IP: '100000',
  MAX_SOCKETS_PER_IP: '1000000',
  MAX_SOCKETS_PER_USER: '1000000',
  MAX_SOCKETS_TOTAL: '1000000',
  LOBBY_RATE_MESSAGES: '100000',
  LOBBY_RATE_WINDOW_MS: '1000',
  SELLER_RATE_MESSAGES: '100000',
  SELLER_RATE_WINDOW_MS: '1000',
  AUTH_FAILURES_PER_IP: '1000000',
  NAME_AUTHS_PER_IP: '1000000',
};

async function startChatgate(label, env = {}, { profileName } = {}) {
  const extra = {};
  if (PROFILE && profileName) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    extra.BENCH_CPU_PROF_DIR = PROFILE_DIR;
    extra.BENCH_CPU_PROF_NAME = profileName;
    extra.BENCH_HEAPSNAPSHOT_DIR = profileName.startsWith('idle') ? PROFILE_DIR : '';
  }
  let database = env.DATABASE_URL;
  if (!database) {
    const dir = mkdtempSync(join(tmpdir(), 'chatgate-bench-'));
    tmpDirs.add(dir);
    database = `sqlite:${join(dir, 'bench.sqlite')}`;
  }
  const s = new Server(label, join(ROOT, 'dist/src/main.js'), [], {
    PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_TOKEN: ADMIN,
    DEMO: 'false',
    // Every bench client comes from 127.0.0.1 and the bench is not hostile: lift the per-IP, per-user and total
    // connection caps and the message and auth rate limits (ignored by builds that do not have them).
    ...BENCH_LIMITS,
    LOG_LEVEL: 'log',
    ...env,
    DATABASE_URL: database,
    ...extra,
  });
  s.profiling = Boolean(extra.BENCH_CPU_PROF_DIR);
  s.snapshots = Boolean(extra.BENCH_HEAPSNAPSHOT_DIR);
  s.database = database;
  await s.started();
  log(`${label} pid ${s.pid} on :${s.port} (${database.startsWith('sqlite') ? 'SQLite' : 'PostgreSQL'})`);
  return s;
}
async function startBaseline(mode) {
  const s = await new Server(`plain ${mode}`, join(ROOT, 'bench/baseline.mjs'), [mode], { PORT: '0' }).started();
  log(`plain ${mode} pid ${s.pid} on :${s.port}`);
  return s;
}

// ---------------------------------------------------------------- load generator
class Generator {
  constructor() {
    this.proc = fork(join(ROOT, 'bench/load.mjs'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: ['--max-old-space-size=4096'],
    });
    children.add(this.proc);
    if (HAS_TASKSET) spawnSync('taskset', ['-pc', '1', String(this.proc.pid)], { stdio: 'ignore' });
    this.seq = 0;
    this.pending = new Map();
    this.proc.on('message', ({ id, result, error }) => {
      const p = this.pending.get(id);
      this.pending.delete(id);
      if (error) p?.reject(new Error(`load generator: ${error}`));
      else p?.resolve(result);
    });
    this.proc.on('exit', (code) => {
      children.delete(this.proc);
      for (const p of this.pending.values()) p.reject(new Error(`load generator exited (${code})`));
    });
  }
  call(op, args) {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.proc.send({ id, op, args });
    });
  }
  stop() {
    this.proc.kill('SIGTERM');
  }
}

// ---------------------------------------------------------------- provisioning (REST API, ADMIN_TOKEN)
async function api(server, method, path, body) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(server.base + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.ok) return text ? JSON.parse(text) : null;
    if (attempt < 3 && res.status >= 500) {
      await sleep(200);
      continue;
    }
    throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
  }
}
async function pool(items, concurrency, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}
/** `count` lobby users, each with one token → their hashed tokens. */
async function provisionUsers(server, count, prefix = 'u') {
  const t0 = Date.now();
  const hashes = await pool([...Array(count).keys()], 8, async (i) => {
    const uname = `${prefix}${i}`;
    await api(server, 'POST', '/api/users', { uname });
    return (await api(server, 'POST', `/api/users/${uname}/tokens`)).hashed_token;
  });
  log(`provisioned ${count} users with tokens in ${Date.now() - t0} ms`);
  return hashes;
}
async function provisionApps(server, count) {
  const t0 = Date.now();
  const ids = await pool(
    [...Array(count).keys()],
    8,
    async (i) => (await api(server, 'POST', '/api/apps', { name: `bench${i}`, owners: [] })).id,
  );
  log(`provisioned ${count} apps in ${Date.now() - t0} ms`);
  return ids;
}
async function provisionSellers(server, count) {
  const t0 = Date.now();
  const sellers = await pool([...Array(count).keys()], 8, async (i) =>
    api(server, 'POST', '/api/sellers', { name: `seller${i}` }),
  );
  log(`provisioned ${count} sellers in ${Date.now() - t0} ms`);
  return sellers;
}

// ---------------------------------------------------------------- results
const rows = [];
const raw = {};
function row(scenario, measure, chatgate, baseline, unit, note = '') {
  const ratio =
    typeof chatgate === 'number' && typeof baseline === 'number' && baseline !== 0 ? chatgate / baseline : null;
  rows.push({ scenario, measure, chatgate, baseline, ratio, unit, note });
}
const r1 = (x) => (typeof x === 'number' ? Math.round(x * 10) / 10 : x);
const r2 = (x) => (typeof x === 'number' ? Math.round(x * 100) / 100 : x);

const sioUrl = (s) => `ws://127.0.0.1:${s.port}/socket.io/?EIO=4&transport=websocket`;
const sellerUrl = (s) => `ws://127.0.0.1:${s.port}/seller`;

// ---------------------------------------------------------------- scenarios
async function idleLobby() {
  const sockets = n(10000);
  const users = Math.min(sockets, 500);
  const result = {};
  for (const target of ['chatgate', 'sio']) {
    const gen = new Generator();
    const server =
      target === 'chatgate'
        ? await startChatgate('chatgate', {}, { profileName: 'idle-lobby' })
        : await startBaseline('sio');
    try {
      let specs;
      if (target === 'chatgate') {
        const [appId] = await provisionApps(server, 1);
        const hashes = await provisionUsers(server, users);
        specs = Array.from({ length: sockets }, (_, i) => ({ app_id: appId, hashed_token: hashes[i % users] }));
      } else
        specs = Array.from({ length: sockets }, (_, i) => ({
          app_id: 1,
          hashed_token: randomBytes(4).toString('hex') + String(i % users),
        }));
      await sleep(1000);
      const before = await server.memory();
      await server.cutProfile(); // the next profile holds the connects only
      const c0 = server.cpu();
      const conn = await gen.call('connect', { name: 'idle', kind: 'sio', url: sioUrl(server), specs, batch: 100 });
      const cpu = server.cpu() - c0;
      await server.cutProfile();
      log(
        `${target}: ${conn.ok}/${sockets} lobby sockets authenticated in ${conn.ms} ms`,
        conn.failed ? conn.failures : '',
      );
      await sleep(3000);
      const after = await server.memory();
      result[target] = {
        sockets,
        ok: conn.ok,
        failures: conn.failures,
        connectMs: conn.ms,
        connectCpuMsPerSocket: (cpu * 1000) / conn.ok,
        before,
        after,
        rssKBPerSocket: (after.rssKB - before.rssKB) / conn.ok,
        heapKBPerSocket: (after.heapUsedKB - before.heapUsedKB) / conn.ok,
      };
      await gen.call('close', {});
    } finally {
      gen.stop();
      await server.stop();
    }
  }
  raw.idleLobby = result;
  const c = result.chatgate;
  const b = result.sio;
  const label = `idle lobby (${sockets} sockets, ${users} users)`;
  row(
    label,
    'RSS per socket after GC',
    r2(c.rssKBPerSocket),
    r2(b.rssKBPerSocket),
    'KB',
    `${c.ok}/${b.ok} authenticated`,
  );
  row(label, 'heap per socket after GC', r2(c.heapKBPerSocket), r2(b.heapKBPerSocket), 'KB');
  row(label, 'connect + auth, all sockets', r2(c.connectMs / 1000), r2(b.connectMs / 1000), 's', 'batches of 100');
  row(label, 'server CPU per connect + auth', r2(c.connectCpuMsPerSocket), r2(b.connectCpuMsPerSocket), 'ms');
}

async function idleSeller() {
  const sockets = n(10000);
  const sellers = Math.max(1, Math.round(sockets / 100));
  const result = {};
  for (const target of ['chatgate', 'ws']) {
    const gen = new Generator();
    const server =
      target === 'chatgate'
        ? await startChatgate('chatgate', {}, { profileName: 'idle-seller' })
        : await startBaseline('ws');
    try {
      let specs;
      if (target === 'chatgate') {
        const ss = await provisionSellers(server, sellers);
        specs = Array.from({ length: sockets }, (_, i) => ({ name: `c${i}`, sellerId: ss[i % sellers].id }));
      } else specs = Array.from({ length: sockets }, (_, i) => ({ pair: i, side: 'client' }));
      await sleep(1000);
      const before = await server.memory();
      await server.cutProfile(); // the next profile holds the connects only
      const c0 = server.cpu();
      const conn = await gen.call('connect', {
        name: 'idle',
        kind: 'seller',
        url: sellerUrl(server),
        specs,
        batch: 100,
      });
      const cpu = server.cpu() - c0;
      await server.cutProfile();
      log(
        `${target}: ${conn.ok}/${sockets} seller-chat clients authenticated in ${conn.ms} ms`,
        conn.failed ? conn.failures : '',
      );
      await sleep(3000);
      const after = await server.memory();
      result[target] = {
        sockets,
        ok: conn.ok,
        failures: conn.failures,
        connectMs: conn.ms,
        connectCpuMsPerSocket: (cpu * 1000) / conn.ok,
        before,
        after,
        rssKBPerSocket: (after.rssKB - before.rssKB) / conn.ok,
        heapKBPerSocket: (after.heapUsedKB - before.heapUsedKB) / conn.ok,
      };
      await gen.call('close', {});
    } finally {
      gen.stop();
      await server.stop();
    }
  }
  raw.idleSeller = result;
  const c = result.chatgate;
  const b = result.ws;
  const label = `idle seller chat (${sockets} clients, name auth)`;
  row(
    label,
    'RSS per connection after GC',
    r2(c.rssKBPerSocket),
    r2(b.rssKBPerSocket),
    'KB',
    `${c.ok}/${b.ok} authenticated`,
  );
  row(label, 'heap per connection after GC', r2(c.heapKBPerSocket), r2(b.heapKBPerSocket), 'KB');
  row(
    label,
    'connect + auth, all connections',
    r2(c.connectMs / 1000),
    r2(b.connectMs / 1000),
    's',
    'Chatgate creates a client + chat per auth',
  );
  row(label, 'server CPU per connect + auth', r2(c.connectCpuMsPerSocket), r2(b.connectCpuMsPerSocket), 'ms');
}

const FANOUT_RATE = 10; // messages/s into one lobby; × 5000 readers = 50k frames/s
async function fanoutRun(label, servers, gen, specsFor, { senders = 10, ms = 8000 } = {}) {
  // sockets are spread over the servers round robin (connection order i → servers[i % servers.length])
  const readers = n(5000);
  const perServer = servers.map(() => []);
  const all = specsFor(readers);
  all.forEach((spec, i) => perServer[i % servers.length].push(spec));
  let ok = 0;
  for (let k = 0; k < servers.length; k++) {
    const conn = await gen.call('connect', {
      name: 'fan',
      kind: 'sio',
      url: sioUrl(servers[k]),
      specs: perServer[k],
      batch: 100,
    });
    ok += conn.ok;
    if (conn.failed) log(`${label}: connect failures`, conn.failures);
  }
  await sleep(2000);
  for (const s of servers) await s.cutProfile();
  const c0 = servers.map((s) => s.cpu());
  const r = await gen.call('fanout', { name: 'fan', senders, rate: FANOUT_RATE, ms });
  const cpu = servers.reduce((sum, s, k) => sum + s.cpu() - c0[k], 0);
  for (const s of servers) await s.cutProfile();
  r.cpuSeconds = cpu;
  r.cpuUsPerFrame = (cpu * 1e6) / r.received;
  r.connected = ok;
  log(
    `${label}: ${r.received}/${r.expected} frames, ${r.framesPerSec}/s, lost ${r.lost}, p50 ${r.probe.p50} ms p99 ${r.probe.p99} ms, ${r2(r.cpuUsPerFrame)} µs CPU/frame`,
  );
  await gen.call('close', {});
  return r;
}
function fanoutRows(label, c, b) {
  row(
    label,
    'server CPU per delivered frame',
    r2(c.cpuUsPerFrame),
    r2(b.cpuUsPerFrame),
    'µs',
    `${FANOUT_RATE} msg/s offered`,
  );
  row(label, 'frames delivered per second', c.framesPerSec, b.framesPerSec, '/s');
  row(label, 'frames lost', c.lost, b.lost, 'frames', `of ${c.expected} / ${b.expected}`);
  row(label, 'probe latency p50', c.probe.p50, b.probe.p50, 'ms');
  row(label, 'probe latency p99', c.probe.p99, b.probe.p99, 'ms');
}
async function baselineFanout() {
  if (raw.fanoutBaseline) return raw.fanoutBaseline;
  const gen = new Generator();
  const server = await startBaseline('sio');
  try {
    raw.fanoutBaseline = await fanoutRun('plain socket.io fan-out', [server], gen, (k) =>
      Array.from({ length: k }, (_, i) => ({ app_id: 1, hashed_token: `t${i % 500}` })),
    );
    return raw.fanoutBaseline;
  } finally {
    gen.stop();
    await server.stop();
  }
}
async function fanout() {
  const gen = new Generator();
  const server = await startChatgate('chatgate', {}, { profileName: 'fanout' });
  let c;
  try {
    const [appId] = await provisionApps(server, 1);
    const hashes = await provisionUsers(server, 500);
    c = await fanoutRun('chatgate fan-out', [server], gen, (k) =>
      Array.from({ length: k }, (_, i) => ({ app_id: appId, hashed_token: hashes[i % 500] })),
    );
  } finally {
    gen.stop();
    await server.stop();
  }
  raw.fanout = c;
  const b = await baselineFanout();
  fanoutRows(`lobby fan-out (${n(5000)} readers, 1 lobby)`, c, b);
}

// ---------------------------------------------------------------- PostgreSQL and Redis helpers
async function freshPostgres() {
  const pg = (await import('pg')).default;
  const name = `chatgate_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const drop = async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
    log(`dropped PostgreSQL database ${name}`);
  };
  cleanups.push(drop);
  log(`created PostgreSQL database ${name}`);
  return {
    url: url.toString(),
    drop: async () => {
      cleanups.splice(cleanups.indexOf(drop), 1);
      await drop();
    },
  };
}
async function countMessages(database) {
  if (database.startsWith('sqlite:')) {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(database.slice('sqlite:'.length), { readonly: true });
    try {
      return db.prepare('SELECT COUNT(*) AS n FROM messages').get().n;
    } finally {
      db.close();
    }
  }
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: database });
  await c.connect();
  try {
    return Number((await c.query('SELECT COUNT(*) AS n FROM messages')).rows[0].n);
  } finally {
    await c.end();
  }
}

// ---------------------------------------------------------------- intake
/** The steps of two runs at the highest offered rate both kept up with (CPU per message compares there). */
function sameRate(a, b) {
  const keptA = a.filter((r) => r.acked >= 0.97 * r.sent && r.skipped === 0);
  for (const ra of keptA.reverse()) {
    const rb = b.find((r) => r.rate === ra.rate);
    if (rb) return [ra, rb];
  }
  return a[0] && b[0] ? [a[0], b.find((r) => r.rate === a[0].rate) ?? b[0]] : null;
}
const INTAKE_STEPS = [500, 1000, 2000, 3000, 4000, 6000, 8000, 12000];
async function intakeRun(label, server, gen, specs, { stepMs = 3000, database } = {}) {
  const conn = await gen.call('connect', { name: 'in', kind: 'sio', url: sioUrl(server), specs, batch: 100 });
  if (conn.failed) log(`${label}: connect failures`, conn.failures);
  await sleep(1000);
  const steps = [];
  const rowsBefore = database ? await countMessages(database) : 0;
  let best = null;
  const warm = await gen.call('intakeStep', { name: 'in', rate: 500, ms: 1500 }); // JIT warm-up, not counted
  await server.cutProfile(); // the next profile holds the steps only
  const warmAcked = warm.acked;
  for (const rate of INTAKE_STEPS) {
    const c0 = server.cpu();
    const r = await gen.call('intakeStep', { name: 'in', rate, ms: stepMs });
    r.cpuSeconds = server.cpu() - c0;
    r.cpuUsPerMsg = (r.cpuSeconds * 1e6) / Math.max(1, r.acked);
    r.cpuUtil = r.cpuSeconds / (r.totalMs / 1000);
    steps.push(r);
    const kept = r.acked >= 0.97 * r.sent && r.skipped === 0 && r.errors === 0 && r.ackedPerSec >= 0.9 * rate;
    const pass = kept && r.latency.p99 !== null && r.latency.p99 <= 50;
    log(
      `${label} @${rate}/s: acked ${r.acked}/${r.sent} (${r.ackedPerSec}/s) skipped ${r.skipped} errors ${r.errors} p50 ${r.latency.p50} p99 ${r.latency.p99} ms, ${r1(r.cpuUsPerMsg)} µs CPU/msg, CPU ${Math.round(r.cpuUtil * 100)}% ${pass ? 'ok' : kept ? 'kept, p99 over' : 'not kept'}`,
    );
    if (pass) best = r;
    if (!kept || r.latency.p99 > 1000) break; // past what the server keeps up with
    await sleep(300);
  }
  await server.cutProfile();
  const acked = warmAcked + steps.reduce((s, r) => s + r.acked, 0);
  let rowsAfter = null;
  if (database) {
    await sleep(500);
    rowsAfter = (await countMessages(database)) - rowsBefore;
  }
  await gen.call('close', {});
  const top = steps[steps.length - 1];
  return { connect: conn, steps, best, top, acked, rows: rowsAfter };
}
async function baselineIntake() {
  if (raw.intakeBaseline) return raw.intakeBaseline;
  const gen = new Generator();
  const server = await startBaseline('sio');
  try {
    const senders = n(1000);
    raw.intakeBaseline = await intakeRun(
      'plain socket.io intake',
      server,
      gen,
      Array.from({ length: senders }, (_, i) => ({ app_id: i + 1, hashed_token: `t${i}` })),
    );
    return raw.intakeBaseline;
  } finally {
    gen.stop();
    await server.stop();
  }
}
async function intake(kind) {
  const senders = n(1000);
  const gen = new Generator();
  let pgdb = null;
  let server;
  let c;
  try {
    const env = {};
    if (kind === 'postgres') {
      pgdb = await freshPostgres();
      env.DATABASE_URL = pgdb.url;
    }
    server = await startChatgate('chatgate', env, { profileName: `intake-${kind}` });
    const appIds = await provisionApps(server, senders);
    const hashes = await provisionUsers(server, Math.min(senders, 100));
    c = await intakeRun(
      `chatgate intake (${kind})`,
      server,
      gen,
      appIds.map((id, i) => ({ app_id: id, hashed_token: hashes[i % hashes.length] })),
      { database: server.database },
    );
  } finally {
    gen.stop();
    await server?.stop();
    await pgdb?.drop().catch((e) => log('drop failed', e.message));
  }
  raw[`intake-${kind}`] = c;
  const b = await baselineIntake();
  const label = `lobby intake, ${kind === 'postgres' ? 'PostgreSQL' : 'SQLite'} (${senders} senders, own lobbies)`;
  row(
    label,
    'acked/s with p99 ≤ 50 ms',
    c.best?.ackedPerSec ?? 0,
    b.best?.ackedPerSec ?? 0,
    '/s',
    `steps ${INTAKE_STEPS.join('/')}; baseline does not persist`,
  );
  const same = sameRate(c.steps, b.steps);
  if (same)
    row(
      label,
      'server CPU per message, same offered rate',
      r1(same[0].cpuUsPerMsg),
      r1(same[1].cpuUsPerMsg),
      'µs',
      `at ${same[0].rate}/s, the highest rate both kept`,
    );
  row(
    label,
    'server CPU per message (top step)',
    r1(c.top.cpuUsPerMsg),
    r1(b.top.cpuUsPerMsg),
    'µs',
    `at ${c.top.rate}/s (CPU ${Math.round(c.top.cpuUtil * 100)}%) vs ${b.top.rate}/s`,
  );
  row(label, 'p99 ack latency (top step)', c.top.latency.p99, b.top.latency.p99, 'ms');
  row(
    label,
    'rows in database = acks',
    c.rows === c.acked ? `${c.rows} = ${c.acked}` : `MISMATCH ${c.rows} ≠ ${c.acked}`,
    '–',
    '',
  );
}

// ---------------------------------------------------------------- seller chat
const SELLER_STEPS = [500, 1000, 2000, 3000, 4000, 6000, 8000, 12000];
async function sellerRun(label, server, gen, clientSpecs, sellerSpecs, { stepMs = 3000 } = {}) {
  const pairs = clientSpecs.length;
  // connect clients first (the name path creates the chat), then sellers, interleaved in one group: [c0, s0, c1, s1, …]
  const cc = await gen.call('connect', {
    name: 'cl',
    kind: 'seller',
    url: sellerUrl(server),
    specs: clientSpecs,
    batch: 100,
  });
  const sc = await gen.call('connect', {
    name: 'se',
    kind: 'seller',
    url: sellerUrl(server),
    specs: sellerSpecs,
    batch: 100,
  });
  log(
    `${label}: ${cc.ok} clients, ${sc.ok} sellers authenticated in ${cc.ms + sc.ms} ms`,
    cc.failed || sc.failed ? { ...cc.failures, ...sc.failures } : '',
  );
  await gen.call('interleave', { into: 'pairs', from: ['cl', 'se'] });
  await sleep(1000);
  const steps = [];
  let best = null;
  await gen.call('sellerStep', { name: 'pairs', rate: 500, ms: 1500 }); // JIT warm-up, not counted
  await server.cutProfile(); // the next profile holds the steps only
  for (const rate of SELLER_STEPS) {
    const c0 = server.cpu();
    const r = await gen.call('sellerStep', { name: 'pairs', rate, ms: stepMs });
    r.cpuSeconds = server.cpu() - c0;
    r.cpuUsPerMsg = (r.cpuSeconds * 1e6) / Math.max(1, r.acked);
    r.cpuUtil = r.cpuSeconds / (r.totalMs / 1000);
    steps.push(r);
    const kept = r.acked >= 0.97 * r.sent && r.skipped === 0 && r.errors === 0 && r.ackedPerSec >= 0.9 * rate;
    const pass = kept && r.latency.p99 !== null && r.latency.p99 <= 50;
    log(
      `${label} @${rate}/s: acked ${r.acked}/${r.sent} (${r.ackedPerSec}/s) delivered ${r.delivered} skipped ${r.skipped} errors ${r.errors}${r.errorSample ? ' ' + r.errorSample : ''} p50 ${r.latency.p50} p99 ${r.latency.p99} ms, ${r1(r.cpuUsPerMsg)} µs CPU/msg, CPU ${Math.round(r.cpuUtil * 100)}% ${pass ? 'ok' : kept ? 'kept, p99 over' : 'not kept'}`,
    );
    if (pass) best = r;
    if (!kept || r.latency.p99 > 1000) break; // past what the server keeps up with
    await sleep(300);
  }
  await server.cutProfile();
  await gen.call('close', {});
  return { pairs, connectMs: cc.ms + sc.ms, steps, best, top: steps[steps.length - 1] };
}
async function seller() {
  const pairs = n(2000);
  const result = {};
  for (const target of ['chatgate', 'ws']) {
    const gen = new Generator();
    const server =
      target === 'chatgate'
        ? await startChatgate('chatgate', {}, { profileName: 'seller' })
        : await startBaseline('ws');
    try {
      if (target === 'chatgate') {
        const ss = await provisionSellers(server, pairs);
        result.chatgate = await sellerRun(
          'chatgate seller chat',
          server,
          gen,
          ss.map((s, i) => ({ name: `c${i}`, sellerId: s.id })),
          ss.map((s) => ({ id: s.id, token: s.token })),
        );
      } else {
        result.ws = await sellerRun(
          'plain ws seller chat',
          server,
          gen,
          [...Array(pairs).keys()].map((i) => ({ pair: i, side: 'client' })),
          [...Array(pairs).keys()].map((i) => ({ pair: i, side: 'seller' })),
        );
      }
    } finally {
      gen.stop();
      await server.stop();
    }
  }
  raw.seller = result;
  const c = result.chatgate;
  const b = result.ws;
  const label = `seller chat (${pairs} pairs)`;
  row(
    label,
    'acked/s with p99 ≤ 50 ms',
    c.best?.ackedPerSec ?? 0,
    b.best?.ackedPerSec ?? 0,
    '/s',
    `steps ${SELLER_STEPS.join('/')}; baseline does not persist`,
  );
  const same = sameRate(c.steps, b.steps);
  if (same)
    row(
      label,
      'server CPU per message, same offered rate',
      r1(same[0].cpuUsPerMsg),
      r1(same[1].cpuUsPerMsg),
      'µs',
      `at ${same[0].rate}/s, the highest rate both kept`,
    );
  row(
    label,
    'server CPU per message (top step)',
    r1(c.top.cpuUsPerMsg),
    r1(b.top.cpuUsPerMsg),
    'µs',
    `at ${c.top.rate}/s (CPU ${Math.round(c.top.cpuUtil * 100)}%) vs ${b.top.rate}/s`,
  );
  row(label, 'p99 ack latency (top step)', c.top.latency.p99, b.top.latency.p99, 'ms');
  row(label, 'p99 ack latency at 500/s', c.steps[0].latency.p99, b.steps[0].latency.p99, 'ms');
}

// ---------------------------------------------------------------- fan-out across two instances through Redis
async function redisFanout() {
  const gen = new Generator();
  const pgdb = await freshPostgres();
  const prefix = `chatgate-bench-${randomBytes(4).toString('hex')}:`;
  const servers = [];
  let c;
  const dropKeys = async () => {
    const { Redis } = await import('ioredis');
    const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await r.connect();
    let cursor = '0';
    let removed = 0;
    for (let i = 0; i < 10000; i++) {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) removed += await r.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
    await r.quit();
    log(`removed ${removed} Redis keys under ${prefix}`);
  };
  cleanups.push(dropKeys);
  try {
    const env = { DATABASE_URL: pgdb.url, REDIS_URL, REDIS_KEY_PREFIX: prefix };
    servers.push(await startChatgate('chatgate A', env, { profileName: 'redis-a' }));
    servers.push(await startChatgate('chatgate B', env, { profileName: 'redis-b' }));
    const [appId] = await provisionApps(servers[0], 1);
    const hashes = await provisionUsers(servers[0], 500);
    // senders are the first sockets, on A; readers alternate A, B
    c = await fanoutRun(
      'chatgate 2 instances fan-out',
      servers,
      gen,
      (k) => Array.from({ length: k }, (_, i) => ({ app_id: appId, hashed_token: hashes[i % 500] })),
      { senders: 10 },
    );
  } finally {
    gen.stop();
    for (const s of servers) await s.stop();
    await pgdb.drop().catch((e) => log('drop failed', e.message));
    cleanups.splice(cleanups.indexOf(dropKeys), 1);
    await dropKeys().catch((e) => log('redis cleanup failed', e.message));
  }
  raw.redisFanout = c;
  const b = await baselineFanout();
  fanoutRows(`lobby fan-out, 2 instances via Redis (${n(5000)} readers; baseline: 1 plain socket.io)`, c, b);
}

// ---------------------------------------------------------------- main
const SCENARIOS = {
  'idle-lobby': idleLobby,
  'idle-seller': idleSeller,
  fanout,
  'intake-sqlite': () => intake('sqlite'),
  'intake-postgres': () => intake('postgres'),
  seller,
  'redis-fanout': redisFanout,
};

function table() {
  const head = ['scenario', 'measure', 'Chatgate', 'baseline', 'ratio', 'unit', 'note'];
  const body = rows.map((r) => [
    r.scenario,
    r.measure,
    String(r.chatgate ?? '–'),
    String(r.baseline ?? '–'),
    r.ratio === null ? '–' : r.ratio.toFixed(2),
    r.unit,
    r.note,
  ]);
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  let last = null;
  for (const b of body) {
    if (b[0] === last) b[0] = '';
    else last = b[0];
    lines.push(`| ${b.join(' | ')} |`);
  }
  return lines.join('\n');
}

async function main() {
  const wanted = process.argv.slice(2).filter((a) => a !== '--');
  for (const w of wanted)
    if (!SCENARIOS[w]) throw new Error(`unknown scenario ${w}; one of: ${Object.keys(SCENARIOS).join(' ')}`);
  if (!existsSync(join(ROOT, 'dist/src/main.js')))
    throw new Error('dist/src/main.js is missing: run npm run build first');
  const names = wanted.length ? wanted : Object.keys(SCENARIOS);
  const t0 = Date.now();
  const machine = {
    nproc: cpus().length,
    cpu: /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1],
    node: process.version,
    taskset: HAS_TASKSET,
    loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    scale: SCALE,
  };
  log(`run ${RUN_ID}: ${names.join(', ')}; ${JSON.stringify(machine)}`);
  const failures = {};
  for (const name of names) {
    const ts = Date.now();
    try {
      await SCENARIOS[name]();
    } catch (error) {
      failures[name] = String(error?.message ?? error);
      log(`scenario ${name} FAILED: ${failures[name]}`);
      row(name, 'FAILED', '–', '–', '', failures[name].split('\n')[0].slice(0, 120));
      stopAll();
    }
    log(`scenario ${name} took ${Math.round((Date.now() - ts) / 1000)} s`);
  }
  machine.loadavgAfter = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const out = table();
  console.log(
    `\nChatgate bench ${RUN_ID} — ${machine.nproc} × ${machine.cpu}, Node ${machine.node}, load ${machine.loadavg} → ${machine.loadavgAfter}, ${Math.round((Date.now() - t0) / 1000)} s\n`,
  );
  console.log(out);
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `${RUN_ID}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        run: RUN_ID,
        scenarios: names,
        machine,
        seconds: Math.round((Date.now() - t0) / 1000),
        rows,
        raw,
        failures,
        profiles: PROFILE ? PROFILE_DIR : null,
      },
      null,
      2,
    ),
  );
  console.log(`\nwritten ${file}`);
  process.exitCode = Object.keys(failures).length ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
