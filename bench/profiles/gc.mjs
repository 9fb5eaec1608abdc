// `profile-top.mjs gc <BENCH_SERVER_LOG file> [window=3]`: per server and window, young-generation traffic and GC
// pauses from `--trace-gc --trace-gc-nvp` lines.
import { readFileSync } from 'node:fs';

export function gcSummary(args) {
  // Lines of BENCH_SERVER_LOG from servers run with BENCH_NODE_ARGS='--trace-gc --trace-gc-nvp':
  // `<hh:mm:ss.mmm> [<label>] [<pid>:<isolate>] <ms> ms: pause=… gc=s|mc|… allocated=… promoted=…`.
  const [file, windowArg] = args;
  const windowS = Number(windowArg ?? 3);
  const servers = new Map(); // label and isolate -> window start (s since midnight) -> sums
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(\d\d):(\d\d):(\d\d\.\d+) \[([^\]]+)\] \[(\d+:0x[0-9a-f]+)\].* gc=(\w+) /.exec(line);
    if (!m) continue;
    const [, h, min, sec, label, isolate, type] = m;
    const field = (name) => Number(new RegExp(`\\b${name}=([\\d.]+)`).exec(line)?.[1] ?? 0);
    const t = Number(h) * 3600 + Number(min) * 60 + Number(sec);
    const key = `${label} ${isolate}`;
    const windows = servers.get(key) ?? new Map();
    servers.set(key, windows);
    const start = Math.floor(t / windowS) * windowS;
    const w = windows.get(start) ?? { scavenges: 0, allocated: 0, promoted: 0, scavengeMs: 0, majors: 0, majorMs: 0 };
    windows.set(start, w);
    if (type === 's') {
      w.scavenges += 1;
      w.allocated += field('allocated');
      w.promoted += field('promoted');
      w.scavengeMs += field('pause');
    } else {
      w.majors += 1;
      w.majorMs += field('pause');
    }
  }
  const clock = (s) => new Date(s * 1000).toISOString().slice(11, 19);
  const mb = (bytes) => (bytes / 1e6).toFixed(1).padStart(7);
  for (const [key, windows] of servers) {
    console.log(
      `\n${key}: per ${windowS} s window (start), young-generation traffic and GC pauses of this isolate (a worker thread's is listed on its own)`,
    );
    console.log('   start  scavenges  allocated MB  promoted MB  scavenge ms  full GCs  full GC ms');
    for (const [start, w] of [...windows].sort((a, b) => a[0] - b[0])) {
      console.log(
        `${clock(start)}  ${String(w.scavenges).padStart(9)}  ${mb(w.allocated).padStart(12)}  ${mb(w.promoted).padStart(11)}` +
          `  ${w.scavengeMs.toFixed(0).padStart(11)}  ${String(w.majors).padStart(8)}  ${w.majorMs.toFixed(0).padStart(9)}`,
      );
    }
  }
}
