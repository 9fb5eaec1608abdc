// Summaries of what `BENCH_PROFILE=1 npm run bench` leaves under bench/results/profiles/<run>/:
//   node bench/profile-top.mjs cpu <file.cpuprofile> [top=25]
//       self time by function (name, file:line), and by package (node_modules/<pkg>, node: internals, src/ files)
//   node --max-old-space-size=8192 bench/profile-top.mjs heap <before.heapsnapshot> <after.heapsnapshot> <count> [top=25]
//       growth of shallow size and object count by constructor between two snapshots, divided by <count>
//       (the connections opened between them): what each connection holds.
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
} else {
  console.error('usage: profile-top.mjs cpu <file.cpuprofile> [top] | heap <before> <after> <count> [top]');
  process.exit(2);
}
