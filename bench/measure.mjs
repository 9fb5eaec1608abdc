// Readings of the machine and of a server under test: CPU from /proc/<pid>/stat, memory after a full GC (the gc-hook
// preload answers SIGWINCH) plus VmRSS from /proc/<pid>/status, and CPU profile cuts (the preload answers SIGURG).
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpus } from 'node:os';
import { HAS_TASKSET, SCALE } from './config.mjs';

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim() || 100);

/** CPU seconds (user + system) the server process has used so far. */
export function cpuSeconds(server) {
  return statCpuSeconds(`/proc/${server.pid}`);
}

/** CPU seconds of the server less its V8 profiler's own thread, whose sampling (BENCH_PROFILE=1) never rests. */
function workSeconds(server) {
  if (!server.profiling) return cpuSeconds(server);
  let profiler = 0;
  for (const tid of readdirSync(`/proc/${server.pid}/task`)) {
    const task = `/proc/${server.pid}/task/${tid}`;
    if (readFileSync(`${task}/comm`, 'utf8').trim() === 'v8:ProfEvntProc') profiler += statCpuSeconds(task);
  }
  return cpuSeconds(server) - profiler;
}

/** User + system CPU seconds from the `stat` file of a process or thread directory under /proc. */
function statCpuSeconds(dir) {
  const stat = readFileSync(`${dir}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

function rssKB(server) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]);
}

/** Full GC in the server (via gc-hook), then its memoryUsage and /proc RSS. */
export async function memory(server) {
  const p = server.waitLine(/^BENCH_MEM /, 60000);
  process.kill(server.pid, 'SIGWINCH');
  const m = JSON.parse((await p).slice('BENCH_MEM '.length));
  if (process.env.BENCH_HEAPSNAPSHOT_DIR || server.snapshots)
    await server.waitLine(/^BENCH_HEAPSNAPSHOT /, 120000).catch(() => {});
  return {
    rssKB: rssKB(server),
    heapUsedKB: Math.round(m.heapUsed / 1024),
    externalKB: Math.round(m.external / 1024),
    arrayBuffersKB: Math.round(m.arrayBuffers / 1024),
  };
}

/** Bytes the server has allocated on its JS heap so far (gc-hook's SIGTTIN). */
export async function allocatedBytes(server) {
  const p = server.waitLine(/^BENCH_ALLOC /, 10000);
  process.kill(server.pid, 'SIGTTIN');
  return Number((await p).slice('BENCH_ALLOC '.length));
}

/** Ends the server's current CPU profile (when BENCH_PROFILE=1) and starts the next; resolves with the file. */
export async function cutProfile(server) {
  if (!server.profiling) return null;
  const p = server.waitLine(/^BENCH_CPUPROF /, 60000);
  process.kill(server.pid, 'SIGURG');
  return (await p).slice('BENCH_CPUPROF '.length);
}

export const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

export function machine() {
  return {
    nproc: cpus().length,
    cpu: /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1],
    node: process.version,
    taskset: HAS_TASKSET,
    loadavg: loadavg(),
    scale: SCALE,
  };
}

/** Waits until every server has used under a tenth of a core over half a second (at most 60 s; a profiled server's
 * profiler thread not counted), and resolves with the time it took; at once with no servers. */
export async function untilQuiet(servers) {
  if (servers.length === 0) return 0;
  const t0 = Date.now();
  const windowMs = 500;
  while (Date.now() - t0 < 60_000) {
    const cpu0 = servers.map(workSeconds);
    await sleep(windowMs);
    if (servers.every((s, k) => workSeconds(s) - cpu0[k] < windowMs / 1000 / 10)) break;
  }
  return Date.now() - t0;
}

/** Which lanes run, in which order, in round `round` of turns: first to last, then last to first (A B, B A, A B, …),
 * so that a drift of the machine over the rounds falls on each lane alike. */
export function turnOrder(lanes, round) {
  const order = [...lanes.keys()];
  return round % 2 === 0 ? order : order.reverse();
}
