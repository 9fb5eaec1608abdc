// `npm run bench [-- <scenario> …]`: starts Chatgate (node dist/src/main.js) and the baselines (bench/baseline.mjs)
// pinned to core 0, drives them from the load generator (bench/load.mjs) pinned to core 1, reads server CPU from
// /proc/<pid>/stat and memory from /proc/<pid>/status plus the preloaded bench/gc-hook.mjs, prints a table and
// writes bench/results/<timestamp>.json. Scenarios: idle-lobby idle-seller fanout intake-sqlite intake-postgres
// intake-features seller redis-fanout scale (bench/scenarios/). Knobs (env): BENCH_SCALE (socket counts × this, default 1),
// BENCH_PROFILE=1
// (CPU profiles and heap snapshots of Chatgate under bench/results/profiles/<run>/; with BENCH_ALLOC_PROFILE=1 also
// an allocation profile per window), BENCH_STALL_LOG=<file> (every
// server's event-loop stalls and GC pauses, bench/gc-hook.mjs), BENCH_NODE_ARGS (Node flags for every server alike),
// BENCH_SERVER_LOG=<file> (every server's output; with BENCH_NODE_ARGS='--trace-gc --trace-gc-nvp',
// `node bench/profile-top.mjs gc <file>` sums each server's young-generation traffic), BENCH_PG_URL, BENCH_REDIS_URL.
// Every process started here is stopped on success, failure and Ctrl-C (bench/cleanup.mjs).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stopAll } from './cleanup.mjs';
import { ROOT, RUN_ID, log } from './config.mjs';
import { loadavg, machine } from './measure.mjs';
import { report, row } from './report.mjs';
import { fanout } from './scenarios/fanout.mjs';
import { idleLobby, idleSeller } from './scenarios/idle.mjs';
import { intake, intakeFeatures } from './scenarios/intake.mjs';
import { redisFanout } from './scenarios/redis-fanout.mjs';
import { scale } from './scenarios/scale.mjs';
import { seller } from './scenarios/seller.mjs';

const SCENARIOS = {
  'idle-lobby': idleLobby,
  'idle-seller': idleSeller,
  fanout,
  'intake-sqlite': () => intake('sqlite'),
  'intake-postgres': () => intake('postgres'),
  'intake-features': intakeFeatures,
  seller,
  'redis-fanout': redisFanout,
  scale,
};

async function main() {
  const wanted = process.argv.slice(2).filter((a) => a !== '--');
  for (const w of wanted)
    if (!SCENARIOS[w]) throw new Error(`unknown scenario ${w}; one of: ${Object.keys(SCENARIOS).join(' ')}`);
  if (!existsSync(join(ROOT, 'dist/src/main.js')))
    throw new Error('dist/src/main.js is missing: run npm run build first');
  const names = wanted.length ? wanted : Object.keys(SCENARIOS);
  const t0 = Date.now();
  const about = machine();
  log(`run ${RUN_ID}: ${names.join(', ')}; ${JSON.stringify(about)}`);
  const failures = {};
  for (const name of names) {
    const ts = Date.now();
    try {
      await SCENARIOS[name]();
    } catch (error) {
      // fetch's "fetch failed" names its reason only in `cause` (ECONNREFUSED: the server is gone, say).
      const cause = error?.cause ? ` (${error.cause.code ?? error.cause.message ?? error.cause})` : '';
      failures[name] = String(error?.message ?? error) + cause;
      log(`scenario ${name} FAILED: ${failures[name]}`);
      row(name, 'FAILED', '–', '–', '', failures[name].split('\n')[0].slice(0, 120));
      stopAll();
    }
    log(`scenario ${name} took ${Math.round((Date.now() - ts) / 1000)} s`);
  }
  about.loadavgAfter = loadavg();
  report({ names, machine: about, t0, failures });
  process.exitCode = Object.keys(failures).length ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
