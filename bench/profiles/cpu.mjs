// `profile-top.mjs cpu <file.cpuprofile> [top=25]`: self time by function (name, file:line), and by package.
import { readFileSync } from 'node:fs';
import { where } from './where.mjs';

export function cpuSummary(args) {
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
}
