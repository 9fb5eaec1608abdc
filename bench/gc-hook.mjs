// Preloaded by the bench into every server it starts (`node --expose-gc --import ./bench/gc-hook.mjs …`), so src/ needs
// no bench hook. Signals (chosen outside Nest's enableShutdownHooks list, which includes SIGUSR2 and SIGHUP):
//   SIGWINCH  run a full GC and print `BENCH_MEM {"rss":…,"heapUsed":…,…}` on stderr; with
//             BENCH_HEAPSNAPSHOT_DIR set, also write a heap snapshot there and print `BENCH_HEAPSNAPSHOT <file>`.
//   SIGTTIN   print `BENCH_ALLOC <bytes>`: what the process has allocated on its JS heap so far, summed from V8's
//             GC profiler (each collection's heap size before it, less the size the previous one left) and the heap
//             grown since the last collection. A rate step reads it before and after: allocation per message.
//   SIGURG    with BENCH_CPU_PROF_DIR set (profiling starts at load): write the CPU profile recorded since the
//             previous cut as <dir>/<BENCH_CPU_PROF_NAME>-<n>.cpuprofile, print `BENCH_CPUPROF <file>`, start again;
//             with BENCH_ALLOC_PROFILE=1 also <n>.heapprofile, the allocations sampled over the same window.
// With BENCH_STALL_LOG set, it also logs event-loop stalls and GC pauses to that file (below).
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import v8 from 'node:v8';

let snapshots = 0;
process.on('SIGWINCH', () => {
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
  }
  const m = process.memoryUsage();
  const cpu = process.cpuUsage();
  process.stderr.write(`BENCH_MEM ${JSON.stringify({ ...m, cpuUser: cpu.user, cpuSystem: cpu.system })}\n`);
  const dir = process.env.BENCH_HEAPSNAPSHOT_DIR;
  if (dir) {
    const file = path.join(dir, `${process.env.BENCH_CPU_PROF_NAME ?? 'server'}-${++snapshots}.heapsnapshot`);
    v8.writeHeapSnapshot(file);
    process.stderr.write(`BENCH_HEAPSNAPSHOT ${file}\n`);
  }
});

const gcProfiler = new v8.GCProfiler();
let allocated = 0;
let usedAfterLastGc = v8.getHeapStatistics().used_heap_size;
gcProfiler.start();
process.on('SIGTTIN', () => {
  for (const { beforeGC, afterGC } of gcProfiler.stop().statistics) {
    allocated += Math.max(0, beforeGC.heapStatistics.usedHeapSize - usedAfterLastGc);
    usedAfterLastGc = afterGC.heapStatistics.usedHeapSize;
  }
  gcProfiler.start();
  const used = v8.getHeapStatistics().used_heap_size;
  process.stderr.write(`BENCH_ALLOC ${allocated + Math.max(0, used - usedAfterLastGc)}\n`);
});

const profDir = process.env.BENCH_CPU_PROF_DIR;
if (profDir) {
  const session = new inspector.Session();
  session.connect();
  let cuts = 0;
  // With BENCH_ALLOC_PROFILE=1, each cut also writes what was allocated since the previous one (a sampling heap
  // profile that keeps the objects garbage collection has freed since: allocation, not what stays).
  const alloc = process.env.BENCH_ALLOC_PROFILE === '1';
  const start = () => {
    session.post('Profiler.enable', () =>
      session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')),
    );
    if (alloc)
      session.post('HeapProfiler.enable', () =>
        session.post('HeapProfiler.startSampling', {
          samplingInterval: 16384,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        }),
      );
  };
  const name = () => path.join(profDir, `${process.env.BENCH_CPU_PROF_NAME ?? 'server'}-${++cuts}`);
  start();
  process.on('SIGURG', () => {
    session.post('Profiler.stop', (err, res) => {
      const file = name();
      if (!err) fs.writeFileSync(`${file}.cpuprofile`, JSON.stringify(res.profile));
      const done = () => {
        process.stderr.write(`BENCH_CPUPROF ${err ? 'error ' + err.message : `${file}.cpuprofile`}\n`);
        start();
      };
      if (!alloc) return done();
      session.post('HeapProfiler.stopSampling', (e, r) => {
        if (!e) fs.writeFileSync(`${file}.heapprofile`, JSON.stringify(r.profile));
        done();
      });
    });
  });
}

// BENCH_STALL_LOG=<file>: appends each event-loop stall over 20 ms (a 5 ms timer that fired late) and each GC pause
// over 5 ms, with the time, so a latency spike can be matched to its cause.
const stallLog = process.env.BENCH_STALL_LOG;
if (stallLog) {
  const note = (line) =>
    fs.appendFileSync(stallLog, `${new Date().toISOString().slice(11, 23)} ${process.pid} ${line}\n`);
  let last = performance.now();
  setInterval(() => {
    const t = performance.now();
    if (t - last > 25) note(`stall ${(t - last - 5).toFixed(1)} ms`);
    last = t;
  }, 5).unref();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if (e.duration > 5) note(`gc kind ${e.detail?.kind ?? e.kind} ${e.duration.toFixed(1)} ms`);
  }).observe({ entryTypes: ['gc'] });
}
