// The servers under test: Chatgate (dist/src/main.js) and the baselines (bench/baseline.mjs), each started with the
// gc-hook preload, pinned to core 0 where taskset exists, known by its output lines, and stopped with SIGTERM (then
// SIGKILL after 10 s). BENCH_NODE_ARGS adds Node flags to every one of them alike (`--trace-gc --trace-gc-nvp`, say:
// Node refuses those in NODE_OPTIONS), and BENCH_SERVER_LOG=<file> appends every server's output there, each line
// prefixed with the time and the server's label.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { children, tmpDirs } from './cleanup.mjs';
import { ADMIN, HAS_TASKSET, NODE_ARGS, PROFILE, PROFILE_DIR, ROOT, SERVER_LOG, log } from './config.mjs';

class Server {
  constructor(label, script, args, env) {
    this.label = label;
    const node = [
      process.execPath,
      ...NODE_ARGS,
      '--expose-gc',
      '--import',
      join(ROOT, 'bench/gc-hook.mjs'),
      script,
      ...args,
    ]
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
        if (SERVER_LOG) appendFileSync(SERVER_LOG, `${new Date().toISOString().slice(11, 23)} [${label}] ${line}\n`);
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

// The message limits keep their default windows (5 s): a limiter's window length sets how often it renews a user's
// counter, which is part of what the check costs per message in production.
const BENCH_LIMITS = {
  LOBBY_PENDING_SESSIONS_PER_IP: '100000',
  MAX_SOCKETS_PER_IP: '1000000',
  MAX_SOCKETS_PER_USER: '1000000',
  MAX_SOCKETS_TOTAL: '1000000',
  LOBBY_RATE_MESSAGES: '100000',
  SELLER_RATE_MESSAGES: '100000',
  AUTH_FAILURES_PER_IP: '1000000',
  NAME_AUTHS_PER_IP: '1000000',
};

export async function startChatgate(label, env = {}, { profileName } = {}) {
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

export async function startBaseline(mode) {
  const s = await new Server(`plain ${mode}`, join(ROOT, 'bench/baseline.mjs'), [mode], { PORT: '0' }).started();
  log(`plain ${mode} pid ${s.pid} on :${s.port}`);
  return s;
}

/** The plain-Node webhook sender (bench/webhook-floor.mjs), started like a baseline. */
export async function startWebhookFloor() {
  const s = await new Server('webhook floor', join(ROOT, 'bench/webhook-floor.mjs'), [], { PORT: '0' }).started();
  log(`webhook floor pid ${s.pid} on :${s.port}`);
  return s;
}

export const sioUrl = (s) => `ws://127.0.0.1:${s.port}/socket.io/?EIO=4&transport=websocket`;
export const sellerUrl = (s) => `ws://127.0.0.1:${s.port}/seller`;
