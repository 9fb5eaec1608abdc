// `profile-top.mjs heap-retainers <before> <after> <count> [min=0.9] [hops=8]`: what holds the objects that grew by
// about one per connection (see profile-top.mjs).
import { readFileSync } from 'node:fs';

export function heapRetainers(args) {
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
}
