// The open-loop rate ladder shared by the intake and seller-chat scenarios, and the rows that compare two ladders.
import { setTimeout as sleep } from 'node:timers/promises';
import { log } from '../config.mjs';
import { allocatedBytes, cpuSeconds, cutProfile, turnOrder, untilQuiet } from '../measure.mjs';
import { row } from '../report.mjs';
import { r1 } from '../round.mjs';

// 10000 is issue 12's target rate for intake and the seller chat: the ladder stops there, not only around it.
export const RATE_STEPS = [500, 1000, 2000, 3000, 4000, 6000, 8000, 10000, 12000];

/** A 1.5 s warm-up at 500/s, then generator operation `op` on group `name` at each of RATE_STEPS for `stepMs` until
 * the server falls behind; `detail(step)` is the scenario's part of each step's log line. */
export async function climbRates(label, server, gen, options) {
  const [climbed] = await climbRatesTogether([{ label, server, gen }], options);
  return climbed;
}

/**
 * The ladder of climbRates for several servers at once (`lanes`: { label, server, gen } each, every server with its
 * connections open, and `rates` where a lane takes only those of RATE_STEPS), step by step: at each rate each lane
 * still climbing runs its step, first-to-last at one rate and last-to-first at the next. A server and its baseline
 * then meet the machine's drift over the ladder alike, rather than one of them a minute later than the other.
 */
export async function climbRatesTogether(lanes, { op, name, stepMs, detail }) {
  const climbs = [];
  for (const { server, gen } of lanes) {
    const warm = await gen.call(op, { name, rate: 500, ms: 1500 }); // JIT warm-up, not counted
    await cutProfile(server); // the next profile holds the steps only
    climbs.push({ warm, steps: [], best: null, climbing: true });
  }
  for (const [k, rate] of RATE_STEPS.entries()) {
    for (const i of turnOrder(lanes, k)) {
      const climb = climbs[i];
      const { label, server, gen, rates } = lanes[i];
      if (!climb.climbing || (rates && !rates.includes(rate))) continue;
      // The lanes' servers share a core: each step starts once the others have finished what their last step left.
      await untilQuiet(lanes.filter((_, j) => j !== i).map((lane) => lane.server));
      const r = await measuredStep(server, gen, op, { name, rate, ms: stepMs });
      climb.steps.push(r);
      const kept = r.acked >= 0.97 * r.sent && r.skipped === 0 && r.errors === 0 && r.ackedPerSec >= 0.9 * rate;
      const pass = kept && r.latency.p99 !== null && r.latency.p99 <= 50;
      log(
        `${label} @${rate}/s: acked ${r.acked}/${r.sent} (${r.ackedPerSec}/s) ${detail(r)} p50 ${r.latency.p50} p99 ${r.latency.p99} ms, ${r1(r.cpuUsPerMsg)} µs CPU/msg, ${r1(r.allocKBPerMsg)} KB allocated/msg, CPU ${Math.round(r.cpuUtil * 100)}%, generator CPU ${Math.round(r.generatorCpu * 100)}% ${pass ? 'ok' : kept ? 'kept, p99 over' : 'not kept'}`,
      );
      if (pass) climb.best = r;
      if (!kept || r.latency.p99 > 1000) climb.climbing = false; // past what the server keeps up with
      await sleep(300);
    }
  }
  for (const { server } of lanes) await cutProfile(server);
  return climbs.map(({ warm, steps, best }) => ({ warm, steps, best, top: steps[steps.length - 1] }));
}

/** One step of `op`, with the server's CPU and JS heap allocation over it. */
async function measuredStep(server, gen, op, args) {
  const a0 = await allocatedBytes(server);
  const c0 = cpuSeconds(server);
  const r = await gen.call(op, args);
  r.cpuSeconds = cpuSeconds(server) - c0;
  r.allocKBPerMsg = ((await allocatedBytes(server)) - a0) / 1024 / Math.max(1, r.acked);
  r.cpuUsPerMsg = (r.cpuSeconds * 1e6) / Math.max(1, r.acked);
  r.cpuUtil = r.cpuSeconds / (r.totalMs / 1000);
  return r;
}

/** The steps of two runs at the highest offered rate both kept up with (CPU per message compares there). */
function sameRate(a, b) {
  const keptA = a.filter((r) => r.acked >= 0.97 * r.sent && r.skipped === 0);
  for (const ra of keptA.reverse()) {
    const rb = b.find((r) => r.rate === ra.rate);
    if (rb) return [ra, rb];
  }
  return a[0] && b[0] ? [a[0], b.find((r) => r.rate === a[0].rate) ?? b[0]] : null;
}

/** Rows comparing Chatgate's ladder `c` with the baseline's `b`. */
export function rateRows(label, c, b, baselineNote = 'baseline does not persist') {
  row(
    label,
    'acked/s with p99 ≤ 50 ms',
    c.best?.ackedPerSec ?? 0,
    b.best?.ackedPerSec ?? 0,
    '/s',
    `steps ${RATE_STEPS.join('/')}; ${baselineNote}`,
  );
  const same = sameRate(c.steps, b.steps);
  if (same) {
    row(
      label,
      'server CPU per message, same offered rate',
      r1(same[0].cpuUsPerMsg),
      r1(same[1].cpuUsPerMsg),
      'µs',
      `at ${same[0].rate}/s, the highest rate both kept`,
    );
    row(
      label,
      'JS heap allocated per message, same offered rate',
      r1(same[0].allocKBPerMsg),
      r1(same[1].allocKBPerMsg),
      'KB',
      `at ${same[0].rate}/s`,
    );
  }
  row(
    label,
    'server CPU per message (top step)',
    r1(c.top.cpuUsPerMsg),
    r1(b.top.cpuUsPerMsg),
    'µs',
    `at ${c.top.rate}/s (CPU ${Math.round(c.top.cpuUtil * 100)}%) vs ${b.top.rate}/s`,
  );
  row(label, 'p99 ack latency (top step)', c.top.latency.p99, b.top.latency.p99, 'ms');
}
