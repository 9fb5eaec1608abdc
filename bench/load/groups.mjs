// The generator's clients, kept in named groups between operations: opened by `connect`, paired by `interleave`,
// closed by `close`; `tokenSpecs` gives what seller clients sign in with again.
import { setTimeout as sleep } from 'node:timers/promises';
import { now } from './pacing.mjs';
import { SellerClient } from './seller-client.mjs';
import { SioClient } from './sio-client.mjs';

export const groups = new Map(); // name -> array of clients

/**
 * Opens one client per spec, keeping `inFlight` handshakes (connect + auth) under way at once: a window, not batches,
 * so one slow handshake does not idle the others and the time measures the server's pace, not the batches' tails.
 * Keeps the clients in group `name`. Lobby clients connect from the `localAddresses` in turn when given: the kernel
 * finds a free port for each connection's bind by scanning its source address's bound ports, which slows down as an
 * address fills, so a few thousand connections per address keep that cost flat.
 */
export async function connect({
  name,
  kind,
  url,
  specs,
  localAddresses = [],
  inFlight = 100,
  timeoutMs = 20000,
  deadlineMs = 180000,
}) {
  const list = groups.get(name) ?? [];
  groups.set(name, list);
  const t0 = now();
  let ok = 0;
  let next = 0;
  const failures = {};
  const lane = async () => {
    while (next < specs.length && now() - t0 < deadlineMs) {
      const i = next++;
      const spec = specs[i];
      const localAddress = localAddresses.length > 0 ? localAddresses[i % localAddresses.length] : undefined;
      const c = kind === 'sio' ? new SioClient(url, localAddress) : new SellerClient(url);
      c.spec = spec;
      list.push(c);
      const r = await c.connectAndAuth(spec, timeoutMs);
      if (r.ok) ok++;
      else failures[r.why] = (failures[r.why] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, specs.length) }, lane));
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

/**
 * What each seller client of group `name` signs in with by token, once its connection is gone: its spec with the
 * token its name auth got in place of the name (the plain `ws` baseline hands out none and binds by pair again).
 */
export function tokenSpecs({ name }) {
  return (groups.get(name) ?? []).map(({ spec: { name: _name, ...spec }, token }) => ({ ...spec, token }));
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
