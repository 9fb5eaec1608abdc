// fanout: 5000 lobby readers in one lobby, 10 of them sending 10 messages/s for 8 s; loss counted per socket,
// latency on 100 probe sockets. Baseline: plain socket.io (run once per bench run, shared with redis-fanout).
import { setTimeout as sleep } from 'node:timers/promises';
import { log, n } from '../config.mjs';
import { withGenerator } from '../generator.mjs';
import { cpuSeconds, cutProfile } from '../measure.mjs';
import { provisionLobby } from '../provision.mjs';
import { raw, row } from '../report.mjs';
import { r2 } from '../round.mjs';
import { sioUrl, startBaseline, startChatgate } from '../servers.mjs';

const FANOUT_RATE = 10; // messages/s into one lobby; × 5000 readers = 50k frames/s

export async function fanoutRun(label, servers, gen, specsFor, { senders = 10, ms = 8000 } = {}) {
  // sockets are spread over the servers round robin (connection order i → servers[i % servers.length])
  const readers = n(5000);
  const perServer = servers.map(() => []);
  const all = specsFor(readers);
  all.forEach((spec, i) => perServer[i % servers.length].push(spec));
  let ok = 0;
  for (let k = 0; k < servers.length; k++) {
    const conn = await gen.call('connect', {
      name: 'fan',
      kind: 'sio',
      url: sioUrl(servers[k]),
      specs: perServer[k],
      inFlight: 100,
    });
    ok += conn.ok;
    if (conn.failed) log(`${label}: connect failures`, conn.failures);
  }
  await sleep(2000);
  for (const s of servers) await cutProfile(s);
  const c0 = servers.map(cpuSeconds);
  const r = await gen.call('fanout', { name: 'fan', senders, rate: FANOUT_RATE, ms });
  const cpu = servers.reduce((sum, s, k) => sum + cpuSeconds(s) - c0[k], 0);
  for (const s of servers) await cutProfile(s);
  r.cpuSeconds = cpu;
  r.cpuUsPerFrame = (cpu * 1e6) / r.received;
  r.connected = ok;
  log(
    `${label}: ${r.received}/${r.expected} frames, ${r.framesPerSec}/s, lost ${r.lost}, p50 ${r.probe.p50} ms p99 ${r.probe.p99} ms, ${r2(r.cpuUsPerFrame)} µs CPU/frame`,
  );
  await gen.call('close', {});
  return r;
}

export function fanoutRows(label, c, b) {
  row(
    label,
    'server CPU per delivered frame',
    r2(c.cpuUsPerFrame),
    r2(b.cpuUsPerFrame),
    'µs',
    `${FANOUT_RATE} msg/s offered`,
  );
  row(label, 'frames delivered per second', c.framesPerSec, b.framesPerSec, '/s');
  row(label, 'frames lost', c.lost, b.lost, 'frames', `of ${c.expected} / ${b.expected}`);
  row(label, 'probe latency p50', c.probe.p50, b.probe.p50, 'ms');
  row(label, 'probe latency p99', c.probe.p99, b.probe.p99, 'ms');
}

export async function baselineFanout() {
  if (raw.fanoutBaseline) return raw.fanoutBaseline;
  raw.fanoutBaseline = await withGenerator(
    () => startBaseline('sio'),
    (server, gen) =>
      fanoutRun('plain socket.io fan-out', [server], gen, (k) =>
        Array.from({ length: k }, (_, i) => ({ app_id: 1, hashed_token: `t${i % 500}` })),
      ),
  );
  return raw.fanoutBaseline;
}

export async function fanout() {
  const c = await withGenerator(
    () => startChatgate('chatgate', {}, { profileName: 'fanout' }),
    async (server, gen) => fanoutRun('chatgate fan-out', [server], gen, await provisionLobby(server, 500)),
  );
  raw.fanout = c;
  const b = await baselineFanout();
  fanoutRows(`lobby fan-out (${n(5000)} readers, 1 lobby)`, c, b);
}
