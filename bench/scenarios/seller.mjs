// seller: 2000 client–seller pairs of the seller chat climb the rate ladder, messages alternating sides; ack = the
// sender's echo with its clientDate. Baselines, running beside it: plain ws routing the same frames 1:1, and the same
// storing each message in SQLite before its ack (the durable floor).
import { setTimeout as sleep } from 'node:timers/promises';
import { log, n } from '../config.mjs';
import { withServers } from '../generator.mjs';
import { provisionSellers } from '../provision.mjs';
import { raw, row } from '../report.mjs';
import { r1, r2 } from '../round.mjs';
import { sellerUrl, startBaseline, startChatgate } from '../servers.mjs';
import { climbRatesTogether, rateRows } from './rate-steps.mjs';

/** Connects the pairs' clients (the name path creates the chat), then their sellers, in one group [c0, s0, c1, …]. */
async function connectPairs(label, server, gen, clientSpecs, sellerSpecs) {
  const cc = await gen.call('connect', {
    name: 'cl',
    kind: 'seller',
    url: sellerUrl(server),
    specs: clientSpecs,
    inFlight: 100,
  });
  const sc = await gen.call('connect', {
    name: 'se',
    kind: 'seller',
    url: sellerUrl(server),
    specs: sellerSpecs,
    inFlight: 100,
  });
  log(
    `${label}: ${cc.ok} clients, ${sc.ok} sellers authenticated in ${cc.ms + sc.ms} ms`,
    cc.failed || sc.failed ? { ...cc.failures, ...sc.failures } : '',
  );
  await gen.call('interleave', { into: 'pairs', from: ['cl', 'se'] });
  return { label, server, gen, pairs: clientSpecs.length, connectMs: cc.ms + sc.ms };
}

/** The durable floor's steps: enough to compare at the ladder's top rate without lengthening the run by a ladder. */
const DURABLE_RATES = [4000, 12000];

/**
 * Chatgate, plain `ws` and `ws` storing each message before its ack (the durable floor, at DURABLE_RATES only) run
 * together, each with its generator and its pairs connected, and climb the ladder step by step in turn
 * (climbRatesTogether).
 */
export async function seller() {
  const pairs = n(2000);
  const plainPairs = (label, lane) =>
    connectPairs(
      label,
      lane.server,
      lane.gen,
      [...Array(pairs).keys()].map((i) => ({ pair: i, side: 'client' })),
      [...Array(pairs).keys()].map((i) => ({ pair: i, side: 'seller' })),
    );
  const result = await withServers(
    [
      () => startChatgate('chatgate', {}, { profileName: 'seller' }),
      () => startBaseline('ws'),
      () => startBaseline('ws-durable'),
    ],
    async ([c, w, d]) => {
      const ss = await provisionSellers(c.server, pairs);
      const lanes = [
        await connectPairs(
          'chatgate seller chat',
          c.server,
          c.gen,
          ss.map((s, i) => ({ name: `c${i}`, sellerId: s.id })),
          ss.map((s) => ({ id: s.id, token: s.token })),
        ),
        await plainPairs('plain ws seller chat', w),
        { ...(await plainPairs('durable ws seller chat', d)), rates: DURABLE_RATES },
      ];
      await sleep(1000);
      const climbs = await climbRatesTogether(lanes, {
        op: 'sellerStep',
        name: 'pairs',
        stepMs: 3000,
        detail: (r) =>
          `delivered ${r.delivered} skipped ${r.skipped} errors ${r.errors}${r.errorSample ? ' ' + r.errorSample : ''}`,
      });
      await Promise.all(lanes.map(({ gen }) => gen.call('close', {})));
      const [chatgate, ws, durable] = lanes.map(({ pairs, connectMs }, i) => ({ pairs, connectMs, ...climbs[i] }));
      return { chatgate, ws, durable };
    },
  );
  raw.seller = result;
  const { chatgate: c, ws: b, durable: d } = result;
  const label = `seller chat (${pairs} pairs)`;
  rateRows(label, c, b);
  row(label, 'p99 ack latency at 500/s', c.steps[0].latency.p99, b.steps[0].latency.p99, 'ms');
  durableRows(label, c, b, d);
}

/** Chatgate against the durable floor at each of its rates, and the floor's own cost over plain `ws`. */
function durableRows(label, c, b, d) {
  for (const floor of d.steps) {
    const [chatgate, plain] = [c, b].map((ladder) => ladder.steps.find((step) => step.rate === floor.rate));
    if (!chatgate || !plain) continue;
    const note = `at ${floor.rate}/s; baseline: the durable floor, plain ws storing each message in SQLite before its ack`;
    row(
      label,
      'server CPU per message',
      r1(chatgate.cpuUsPerMsg),
      r1(floor.cpuUsPerMsg),
      'µs',
      `${note} (${r2(floor.cpuUsPerMsg / plain.cpuUsPerMsg)} × plain ws)`,
    );
    row(
      label,
      'JS heap allocated per message',
      r1(chatgate.allocKBPerMsg),
      r1(floor.allocKBPerMsg),
      'KB',
      `${note} (${r2(floor.allocKBPerMsg / plain.allocKBPerMsg)} × plain ws)`,
    );
  }
}
