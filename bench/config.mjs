// What every part of a bench run shares: the knobs from the environment (listed in bench/run.mjs), the paths, this
// run's id and admin token, the socket-count scaling and the log line (on stderr, so stdout holds the table only).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SCALE = Number(process.env.BENCH_SCALE ?? 1);
export const PROFILE = process.env.BENCH_PROFILE === '1';
/** Extra Node flags for every server the bench starts (servers.mjs), split on whitespace. */
export const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
/** A file every server's output is appended to, or null. */
export const SERVER_LOG = process.env.BENCH_SERVER_LOG || null;
export const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const ADMIN = 'bench-admin-token-' + randomBytes(8).toString('hex');
export const HAS_TASKSET =
  spawnSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' }).status === 0 && cpus().length > 1;
export const RUN_ID = new Date().toISOString().replace(/[:.]/g, '-');
export const RESULTS = join(ROOT, 'bench', 'results');
export const PROFILE_DIR = join(RESULTS, 'profiles', RUN_ID);
export const n = (x) => Math.max(1, Math.round(x * SCALE));
export const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
