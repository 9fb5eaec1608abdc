// Summaries of what `BENCH_PROFILE=1 npm run bench` leaves under bench/results/profiles/<run>/:
//   node bench/profile-top.mjs cpu <file.cpuprofile> [top=25]
//       self time by function (name, file:line), and by package (node_modules/<pkg>, node: internals, src/ files)
//   node bench/profile-top.mjs alloc <file.heapprofile> [top=25]
//       with BENCH_ALLOC_PROFILE=1: bytes allocated over a window, by function and by its nearest callers
//   node --max-old-space-size=8192 bench/profile-top.mjs heap <before.heapsnapshot> <after.heapsnapshot> <count> [top=25]
//       growth of shallow size and object count by constructor between two snapshots, divided by <count>
//       (the connections opened between them): what each connection holds.
//   node --max-old-space-size=8192 bench/profile-top.mjs heap-retainers <before> <after> <count> [min=0.9] [hops=8]
//       for each constructor that grew by at least <min> objects per connection: its instances new in <after> (heap
//       snapshot ids are stable within one process), grouped by the last <hops> steps of their shortest path from the
//       GC roots (weak edges skipped), the commonest paths first: which collection, closure or field holds them;
//       then every new object's bytes per connection by its holder, the nearest object of a named class on that
//       path and the field leading from it (`(only weakly held)`: nothing but weak edges reach it).
//   node bench/profile-top.mjs gc <BENCH_SERVER_LOG file> [window=3]
//       with BENCH_NODE_ARGS='--trace-gc --trace-gc-nvp': per server and window, what the young generation took in
//       (allocated), passed on to the old one (promoted), and the scavenge and full-GC pauses
import { cpuSummary } from './profiles/cpu.mjs';
import { allocSummary } from './profiles/alloc.mjs';
import { heapGrowth } from './profiles/heap.mjs';
import { heapRetainers } from './profiles/heap-retainers.mjs';
import { gcSummary } from './profiles/gc.mjs';

const MODES = {
  cpu: cpuSummary,
  alloc: allocSummary,
  heap: heapGrowth,
  'heap-retainers': heapRetainers,
  gc: gcSummary,
};

const [kind, ...args] = process.argv.slice(2);
if (MODES[kind]) MODES[kind](args);
else {
  console.error(
    'usage: profile-top.mjs cpu <file.cpuprofile> [top] | alloc <file.heapprofile> [top] | heap <before> <after> <count> [top] | heap-retainers <before> <after> <count> [min] [hops] | gc <server log> [window s]',
  );
  process.exit(2);
}
