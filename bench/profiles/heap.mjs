// `profile-top.mjs heap <before> <after> <count> [top=25]`: growth of shallow size and object count by constructor
// between two heap snapshots, per connection opened between them.
import { readFileSync } from 'node:fs';

export function heapGrowth(args) {
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
}
