// seller: 2000 client–seller pairs of the seller chat climb the rate ladder, messages alternating sides; ack = the
// sender's echo with its clientDate. Baseline: plain ws routing the same frames 1:1.
import { setTimeout as sleep } from 'node:timers/promises';
import { log, n } from '../config.mjs';
import { withGenerator } from '../generator.mjs';
import { provisionSellers } from '../provision.mjs';
import { raw, row } from '../report.mjs';
import { sellerUrl, startBaseline, startChatgate } from '../servers.mjs';
import { climbRates, rateRows } from './rate-steps.mjs';

async function sellerRun(label, server, gen, clientSpecs, sellerSpecs, { stepMs = 3000 } = {}) {
  const pairs = clientSpecs.length;
  // connect clients first (the name path creates the chat), then sellers, interleaved in one group: [c0, s0, c1, s1, …]
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
  await sleep(1000);
  const { steps, best, top } = await climbRates(label, server, gen, {
    op: 'sellerStep',
    name: 'pairs',
    stepMs,
    detail: (r) =>
      `delivered ${r.delivered} skipped ${r.skipped} errors ${r.errors}${r.errorSample ? ' ' + r.errorSample : ''}`,
  });
  await gen.call('close', {});
  return { pairs, connectMs: cc.ms + sc.ms, steps, best, top };
}

export async function seller() {
  const pairs = n(2000);
  const result = {};
  result.chatgate = await withGenerator(
    () => startChatgate('chatgate', {}, { profileName: 'seller' }),
    async (server, gen) => {
      const ss = await provisionSellers(server, pairs);
      return sellerRun(
        'chatgate seller chat',
        server,
        gen,
        ss.map((s, i) => ({ name: `c${i}`, sellerId: s.id })),
        ss.map((s) => ({ id: s.id, token: s.token })),
      );
    },
  );
  result.ws = await withGenerator(
    () => startBaseline('ws'),
    (server, gen) =>
      sellerRun(
        'plain ws seller chat',
        server,
        gen,
        [...Array(pairs).keys()].map((i) => ({ pair: i, side: 'client' })),
        [...Array(pairs).keys()].map((i) => ({ pair: i, side: 'seller' })),
      ),
  );
  raw.seller = result;
  const c = result.chatgate;
  const b = result.ws;
  const label = `seller chat (${pairs} pairs)`;
  rateRows(label, c, b);
  row(label, 'p99 ack latency at 500/s', c.steps[0].latency.p99, b.steps[0].latency.p99, 'ms');
}
