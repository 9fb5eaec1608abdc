// seller: 2000 client–seller pairs of the seller chat climb the rate ladder, messages alternating sides; ack = the
// sender's echo with its clientDate. Baseline: plain ws routing the same frames 1:1, running beside it.
import { setTimeout as sleep } from 'node:timers/promises';
import { log, n } from '../config.mjs';
import { withServers } from '../generator.mjs';
import { provisionSellers } from '../provision.mjs';
import { raw, row } from '../report.mjs';
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

/**
 * Chatgate and plain `ws` run together, each with its generator and its pairs connected, and climb the ladder step by
 * step in turn (climbRatesTogether).
 */
export async function seller() {
  const pairs = n(2000);
  const result = await withServers(
    [() => startChatgate('chatgate', {}, { profileName: 'seller' }), () => startBaseline('ws')],
    async ([c, w]) => {
      const ss = await provisionSellers(c.server, pairs);
      const lanes = [
        await connectPairs(
          'chatgate seller chat',
          c.server,
          c.gen,
          ss.map((s, i) => ({ name: `c${i}`, sellerId: s.id })),
          ss.map((s) => ({ id: s.id, token: s.token })),
        ),
        await connectPairs(
          'plain ws seller chat',
          w.server,
          w.gen,
          [...Array(pairs).keys()].map((i) => ({ pair: i, side: 'client' })),
          [...Array(pairs).keys()].map((i) => ({ pair: i, side: 'seller' })),
        ),
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
      const [chatgate, ws] = lanes.map(({ pairs, connectMs }, i) => ({ pairs, connectMs, ...climbs[i] }));
      return { chatgate, ws };
    },
  );
  raw.seller = result;
  const c = result.chatgate;
  const b = result.ws;
  const label = `seller chat (${pairs} pairs)`;
  rateRows(label, c, b);
  row(label, 'p99 ack latency at 500/s', c.steps[0].latency.p99, b.steps[0].latency.p99, 'ms');
}
