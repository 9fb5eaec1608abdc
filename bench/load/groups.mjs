// The generator's clients, kept in named groups between operations: opened by `connect`, paired by `interleave`,
// closed by `close`.
import { setTimeout as sleep } from 'node:timers/promises';
import { now } from './pacing.mjs';
import { SellerClient } from './seller-client.mjs';
import { SioClient } from './sio-client.mjs';

export const groups = new Map(); // name -> array of clients

/** Opens one client per spec in batches of `batch` concurrent handshakes; keeps them in group `name`. */
export async function connect({ name, kind, url, specs, batch = 200, timeoutMs = 20000, deadlineMs = 180000 }) {
  const list = groups.get(name) ?? [];
  groups.set(name, list);
  const t0 = now();
  let ok = 0;
  const failures = {};
  for (let i = 0; i < specs.length && now() - t0 < deadlineMs; i += batch) {
    const chunk = specs.slice(i, i + batch);
    const results = await Promise.all(
      chunk.map((spec) => {
        const c = kind === 'sio' ? new SioClient(url) : new SellerClient(url);
        list.push(c);
        return c.connectAndAuth(spec, timeoutMs);
      }),
    );
    for (const r of results) {
      if (r.ok) ok++;
      else failures[r.why] = (failures[r.why] ?? 0) + 1;
    }
  }
  return {
    ms: Math.round(now() - t0),
    ok,
    failed: specs.length - ok,
    failures,
    open: list.length,
  };
}

/** Group `into` = [from[0][0], from[1][0], from[0][1], from[1][1], …]; the source groups are removed. */
export function interleave({ into, from }) {
  const [a, b] = from.map((g) => groups.get(g) ?? []);
  const out = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]) out.push(a[i]);
    if (b[i]) out.push(b[i]);
  }
  from.forEach((g) => groups.delete(g));
  groups.set(into, out);
  return { size: out.length };
}

export async function close({ name }) {
  const names = name ? [name] : [...groups.keys()];
  let n = 0;
  for (const g of names) {
    for (const c of groups.get(g) ?? []) {
      c.close();
      n++;
    }
    groups.delete(g);
  }
  await sleep(200);
  return { closed: n };
}
