// fanout: 5000 lobby readers in one lobby, 10 of them sending 10 messages/s in all for 8 s; loss counted per socket,
// latency on 100 probe sockets. Chatgate, plain socket.io and the floor (plain socket.io whose broadcast is one write
// of a shared frame to each member's TCP socket) run side by side and take the 8 s in turns of 4 s.
import { setTimeout as sleep } from 'node:timers/promises';
import { log, n } from '../config.mjs';
import { withGenerator, withServers } from '../generator.mjs';
import { summary } from '../load/stats.mjs';
import { cpuSeconds, cutProfile, turnOrder, untilQuiet } from '../measure.mjs';
import { provisionLobby } from '../provision.mjs';
import { raw, row } from '../report.mjs';
import { r2 } from '../round.mjs';
import { sioUrl, startBaseline, startChatgate } from '../servers.mjs';

const FANOUT_RATE = 10; // messages/s into one lobby; × 5000 readers = 50k frames/s
const FANOUT_MS = 8000;
const TURNS = 2;

/** The baselines' readers: 500 users, as in Chatgate's provisioned lobby. */
const plainSpecs = (k) => Array.from({ length: k }, (_, i) => ({ app_id: 1, hashed_token: `t${i % 500}` }));

/** Opens the readers, spread over `servers` round robin (connection order i → servers[i % servers.length]). */
async function connectReaders(label, servers, gen, specsFor) {
  const perServer = servers.map(() => []);
  specsFor(n(5000)).forEach((spec, i) => perServer[i % servers.length].push(spec));
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
  return ok;
}

/** One measured fan-out of `ms`, with the CPU `servers` used over it. */
async function measureFanout(servers, gen, { senders, ms }) {
  for (const s of servers) await cutProfile(s);
  const c0 = servers.map(cpuSeconds);
  const r = await gen.call('fanout', { name: 'fan', senders, rate: FANOUT_RATE, ms, probeLatencies: true });
  r.cpuSeconds = servers.reduce((sum, s, k) => sum + cpuSeconds(s) - c0[k], 0);
  for (const s of servers) await cutProfile(s);
  return r;
}

/** The turns of one server as one fan-out: their counts and CPU summed, their probes' latencies pooled. */
function pooled(turns, connected) {
  const sum = (key) => turns.reduce((total, t) => total + t[key], 0);
  const received = sum('received');
  const cpu = sum('cpuSeconds');
  return {
    turns: turns.map(({ probeLatencies, ...turn }) => turn),
    connected,
    sent: sum('sent'),
    acked: sum('acked'),
    expected: sum('expected'),
    received,
    lost: sum('lost'),
    cpuSeconds: cpu,
    cpuUsPerFrame: (cpu * 1e6) / received,
    framesPerSec: Math.round(received / (sum('totalMs') / 1000)),
    probe: summary(turns.flatMap((t) => t.probeLatencies)),
  };
}

function logged(label, r) {
  log(
    `${label}: ${r.received}/${r.expected} frames, ${r.framesPerSec}/s, lost ${r.lost}, p50 ${r.probe.p50} ms p99 ${r.probe.p99} ms, ${r2(r.cpuUsPerFrame)} µs CPU/frame`,
  );
  return r;
}

/** A fan-out over `servers` sharing one generator (two Chatgate instances over Redis, or one server alone). */
export async function fanoutRun(label, servers, gen, specsFor, { senders = 10, ms = FANOUT_MS } = {}) {
  const connected = await connectReaders(label, servers, gen, specsFor);
  await sleep(2000);
  const r = pooled([await measureFanout(servers, gen, { senders, ms })], connected);
  await gen.call('close', {});
  return logged(label, r);
}

export function fanoutRows(label, c, b, floor) {
  row(
    label,
    'server CPU per delivered frame',
    r2(c.cpuUsPerFrame),
    r2(b.cpuUsPerFrame),
    'µs',
    `${FANOUT_RATE} msg/s offered`,
  );
  if (floor) {
    const toPlain = r2(floor.cpuUsPerFrame / b.cpuUsPerFrame);
    row(
      label,
      'server CPU per delivered frame',
      r2(c.cpuUsPerFrame),
      r2(floor.cpuUsPerFrame),
      'µs',
      `baseline: the floor, one write of a shared frame per member (${toPlain} × plain socket.io)`,
    );
  }
  row(label, 'frames delivered per second', c.framesPerSec, b.framesPerSec, '/s');
  row(label, 'frames lost', c.lost, b.lost, 'frames', `of ${c.expected} / ${b.expected}`);
  row(label, 'probe latency p50', c.probe.p50, b.probe.p50, 'ms');
  row(label, 'probe latency p99', c.probe.p99, b.probe.p99, 'ms');
}

/** Plain socket.io's fan-out, measured once per bench run (by `fanout`, or here alone for redis-fanout). */
export async function baselineFanout() {
  raw.fanoutBaseline ??= await withGenerator(
    () => startBaseline('sio'),
    (server, gen) => fanoutRun('plain socket.io fan-out', [server], gen, plainSpecs),
  );
  return raw.fanoutBaseline;
}

/**
 * Chatgate, plain socket.io and the floor, each with its readers connected, take the fan-out in turns (first to last,
 * then last to first), each turn once the other servers are quiet: all three meet the machine's drift alike.
 */
export async function fanout() {
  const lanes = [
    { label: 'chatgate fan-out', start: () => startChatgate('chatgate', {}, { profileName: 'fanout' }) },
    { label: 'plain socket.io fan-out', start: () => startBaseline('sio'), specsFor: plainSpecs },
    { label: 'floor fan-out', start: () => startBaseline('sio-floor'), specsFor: plainSpecs },
  ];
  const [c, b, floor] = await withServers(
    lanes.map((lane) => lane.start),
    async (running) => {
      const connected = [];
      for (const [i, { server, gen }] of running.entries()) {
        const specsFor = lanes[i].specsFor ?? (await provisionLobby(server, 500));
        connected.push(await connectReaders(lanes[i].label, [server], gen, specsFor));
      }
      await sleep(2000);
      const turns = running.map(() => []);
      for (let round = 0; round < TURNS; round++) {
        for (const i of turnOrder(running, round)) {
          await untilQuiet(running.filter((_, j) => j !== i).map((lane) => lane.server));
          const { server, gen } = running[i];
          turns[i].push(await measureFanout([server], gen, { senders: 10, ms: FANOUT_MS / TURNS }));
        }
      }
      return turns.map((t, i) => logged(lanes[i].label, pooled(t, connected[i])));
    },
  );
  raw.fanout = c;
  raw.fanoutBaseline = b;
  raw.fanoutFloor = floor;
  fanoutRows(`lobby fan-out (${n(5000)} readers, 1 lobby)`, c, b, floor);
}
