// `profile-top.mjs alloc <file.heapprofile> [top=25]`: bytes allocated over a window (BENCH_ALLOC_PROFILE=1), by
// function and by its nearest callers.
import { readFileSync } from 'node:fs';
import { where } from './where.mjs';

export function allocSummary(args) {
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
    // A sample can name a node the profile's tree no longer holds (V8 drops empty nodes when it writes the tree).
    const self = node ? label(node) : '(node not in the tree)';
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
}
