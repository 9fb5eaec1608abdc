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
import { readFileSync } from 'node:fs';

const [kind, ...args] = process.argv.slice(2);

function where(url) {
  if (!url) return '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node:internals';
  const s = /\/(dist\/src\/.*|bench\/.*)$/.exec(url);
  return s ? s[1].replace(/^dist\//, '') : url;
}

if (kind === 'cpu') {
  const [file, topArg] = args;
  const top = Number(topArg ?? 25);
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = p.timeDeltas;
  const total = dt.reduce((a, b) => a + b, 0);
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)));
  const byFn = new Map();
  const byPkg = new Map();
  for (const [id, us] of self) {
    const n = byId.get(id);
    const cf = n.callFrame;
    const key = `${cf.functionName || '(anonymous)'}  ${where(cf.url)}${cf.url ? ':' + (cf.lineNumber + 1) : ''}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
    const pkg = cf.url
      ? where(cf.url).replace(/^(src\/[^/]+)\/.*/, '$1')
      : cf.functionName.startsWith('(')
        ? cf.functionName
        : '(native)';
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + us);
  }
  const pct = (us) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
  console.log('\nself time by package / area:');
  for (const [k, us] of [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${pct(us)}  ${k}`);
  console.log('\nself time by function:');
  for (const [k, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${k}`);
} else if (kind === 'alloc') {
  // A sampling heap profile that kept collected objects (BENCH_ALLOC_PROFILE=1): bytes allocated, by the function
  // that allocated them and by the chain of its three nearest callers, since the allocating function is often a
  // library's (JSON.stringify, a Promise) and the caller says why.
  const [file, topArg] = args;
  const top = Number(topArg ?? 25);
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const parent = new Map();
  const byId = new Map();
  const index = (node) => {
    byId.set(node.id, node);
    for (const child of node.children) {
      parent.set(child.id, node);
      index(child);
    }
  };
  index(p.head);
  const label = (n) =>
    `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const bySelf = new Map();
  const byChain = new Map();
  let total = 0;
  for (const sample of p.samples) {
    total += sample.size;
    let node = byId.get(sample.nodeId);
    const self = label(node);
    bySelf.set(self, (bySelf.get(self) ?? 0) + sample.size);
    const chain = [];
    while (node && chain.length < 4 && node !== p.head) {
      chain.push(label(node));
      node = parent.get(node.id);
    }
    const key = chain.join(' < ');
    byChain.set(key, (byChain.get(key) ?? 0) + sample.size);
  }
  const pct = (bytes) => `${((100 * bytes) / total).toFixed(1).padStart(5)}%`;
  console.log(`${file}: ${(total / 1e6).toFixed(1)} MB sampled as allocated`);
  console.log('\nallocated by function:');
  for (const [k, b] of [...bySelf].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`${pct(b)}  ${k}`);
  console.log('\nallocated by function < caller < caller < caller:');
  for (const [k, b] of [...byChain].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`${pct(b)}  ${k}`);
} else if (kind === 'heap') {
  const [before, after, countArg, topArg] = args;
  const count = Number(countArg);
  const top = Number(topArg ?? 25);
  const summarize = (file) => {
    const s = JSON.parse(readFileSync(file, 'utf8'));
    const f = s.snapshot.meta.node_fields;
    const types = s.snapshot.meta.node_types[0];
    const width = f.length;
    const iType = f.indexOf('type');
    const iName = f.indexOf('name');
    const iSize = f.indexOf('self_size');
    const out = new Map();
    for (let i = 0; i < s.nodes.length; i += width) {
      const type = types[s.nodes[i + iType]];
      const name = type === 'object' || type === 'closure' ? s.strings[s.nodes[i + iName]] : `(${type})`;
      const key = type === 'closure' ? `closure ${name}` : name;
      const e = out.get(key) ?? { size: 0, count: 0 };
      e.size += s.nodes[i + iSize];
      e.count++;
      out.set(key, e);
    }
    return out;
  };
  const a = summarize(before);
  const b = summarize(after);
  const diff = [];
  let totalGrowth = 0;
  for (const [k, e] of b) {
    const was = a.get(k) ?? { size: 0, count: 0 };
    const d = { key: k, size: (e.size - was.size) / count, count: (e.count - was.count) / count };
    totalGrowth += d.size;
    diff.push(d);
  }
  console.log(`shallow heap growth per connection: ${(totalGrowth / 1024).toFixed(2)} KB over ${count} connections`);
  for (const d of diff.sort((x, y) => y.size - x.size).slice(0, top)) {
    console.log(`${(d.size / 1024).toFixed(2).padStart(7)} KB  ${d.count.toFixed(1).padStart(6)} objects  ${d.key}`);
  }
} else if (kind === 'heap-retainers') {
  const [before, after, countArg, minArg, hopsArg] = args;
  const count = Number(countArg);
  const min = Number(minArg ?? 0.9);
  const hops = Number(hopsArg ?? 8);
  const read = (file) => {
    const s = JSON.parse(readFileSync(file, 'utf8'));
    const m = s.snapshot.meta;
    const nf = m.node_fields.length;
    const ef = m.edge_fields.length;
    const at = (field) => m.node_fields.indexOf(field);
    return { s, m, nf, ef, iType: at('type'), iName: at('name'), iId: at('id'), iEdges: at('edge_count') };
  };
  const keyOf = (h, i) => {
    const type = h.m.node_types[0][h.s.nodes[i + h.iType]];
    const name = h.s.strings[h.s.nodes[i + h.iName]];
    return type === 'object' ? name : type === 'closure' ? `closure ${name}` : `(${type})`;
  };
  const a = read(before);
  const old = new Set();
  const countsA = new Map();
  for (let i = 0; i < a.s.nodes.length; i += a.nf) {
    old.add(a.s.nodes[i + a.iId]);
    const k = keyOf(a, i);
    countsA.set(k, (countsA.get(k) ?? 0) + 1);
  }
  a.s = null;
  const b = read(after);
  const { nodes, edges, strings } = b.s;
  const nodeCount = nodes.length / b.nf;
  const edgeTypes = b.m.edge_types[0];
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => b.m.edge_fields.indexOf(f));
  const firstEdge = new Uint32Array(nodeCount + 1);
  for (let n = 0; n < nodeCount; n++) firstEdge[n + 1] = firstEdge[n] + nodes[n * b.nf + b.iEdges] * b.ef;
  // Breadth first from the root (node 0): each node's parent and the edge that reached it.
  const parent = new Int32Array(nodeCount).fill(-1);
  const via = new Uint32Array(nodeCount);
  const queue = new Uint32Array(nodeCount);
  let head = 0;
  let tail = 0;
  parent[0] = 0;
  queue[tail++] = 0;
  while (head < tail) {
    const n = queue[head++];
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += b.ef) {
      if (edgeTypes[edges[e + eType]] === 'weak') continue;
      const to = edges[e + eTo] / b.nf;
      if (parent[to] !== -1) continue;
      parent[to] = n;
      via[to] = e;
      queue[tail++] = to;
    }
  }
  const label = (n) => {
    const name = strings[nodes[n * b.nf + b.iName]];
    const k = keyOf(b, n * b.nf);
    return (k.startsWith('(') ? `${k} ${name}` : k).slice(0, 60);
  };
  const edgeLabel = (e) => {
    const type = edgeTypes[edges[e + eType]];
    const name = edges[e + eName];
    if (type === 'element' || type === 'hidden') return name < 16 ? `[${name}]` : '[…]';
    const text = strings[name].replace(/ @\d+/g, '');
    return type === 'internal' ? `{${/^\d+$/.test(text) ? '…' : text}}` : `.${text}`;
  };
  const fresh = new Map();
  const countsB = new Map();
  for (let n = 0; n < nodeCount; n++) {
    const i = n * b.nf;
    const k = keyOf(b, i);
    countsB.set(k, (countsB.get(k) ?? 0) + 1);
    if (old.has(nodes[i + b.iId])) continue;
    const list = fresh.get(k) ?? [];
    list.push(n);
    fresh.set(k, list);
  }
  const grown = [...countsB]
    .map(([k, c]) => ({ k, per: (c - (countsA.get(k) ?? 0)) / count }))
    .filter(({ per }) => per >= min)
    .sort((x, y) => y.per - x.per);
  for (const { k, per } of grown) {
    const paths = new Map();
    let unreachable = 0;
    for (const n of fresh.get(k) ?? []) {
      if (parent[n] === -1) {
        unreachable++;
        continue;
      }
      const steps = [];
      for (let at = n; at !== 0 && steps.length < hops; at = parent[at])
        steps.unshift(`${label(parent[at])} ${edgeLabel(via[at])}`);
      const path = steps.join('\n      → ');
      paths.set(path, (paths.get(path) ?? 0) + 1);
    }
    console.log(
      `\n${per.toFixed(2)} per connection: ${k}${unreachable ? ` (${unreachable} new ones unreachable)` : ''}`,
    );
    for (const [path, n] of [...paths].sort((x, y) => y[1] - x[1]).slice(0, 5)) console.log(`  ${n} ×  ${path}`);
  }
  // Every new object's shallow size, charged to the nearest object of a named class on its path and the field
  // that leads from it (plain objects, arrays, collections, closures and contexts are looked through).
  const generic = /^(Object|Array|Map|Set|WeakMap|WeakSet|Promise|system \/ .*|\(.*)$/;
  const iSize = b.m.node_fields.indexOf('self_size');
  const holders = new Map();
  for (const list of fresh.values())
    for (const n of list) {
      let at = n;
      while (at !== 0 && parent[at] !== -1 && generic.test(keyOf(b, parent[at] * b.nf).replace(/^closure .*/, '(')))
        at = parent[at];
      const holder =
        at === 0 || parent[at] === -1
          ? `(only weakly held) ${keyOf(b, n * b.nf)}`
          : `${label(parent[at])} ${edgeLabel(via[at])}`;
      holders.set(holder, (holders.get(holder) ?? 0) + nodes[n * b.nf + iSize]);
    }
  console.log('\nnew objects by holder (nearest named object and its field), bytes per connection:');
  for (const [holder, size] of [...holders].sort((x, y) => y[1] - x[1]).slice(0, 40))
    console.log(`${(size / count).toFixed(0).padStart(6)}  ${holder}`);
} else if (kind === 'gc') {
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
} else {
  console.error(
    'usage: profile-top.mjs cpu <file.cpuprofile> [top] | alloc <file.heapprofile> [top] | heap <before> <after> <count> [top] | heap-retainers <before> <after> <count> [min] [hops] | gc <server log> [window s]',
  );
  process.exit(2);
}
