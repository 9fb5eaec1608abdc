// intake-sqlite, intake-postgres: 1000 lobby senders, each in its own lobby, climb the rate ladder against Chatgate
// on SQLite or PostgreSQL; afterwards the rows in `messages` must equal the acks. Baseline: plain socket.io (run once
// per bench run, shared by both scenarios). intake-features: the SQLite ladder again with a blocked-word list on every
// lobby and one webhook endpoint that wants every lobby message, against the same ladder without them; then the floor
// under the webhook's share: a plain Node client (bench/webhook-floor.mjs) posting the same bodies to the same receiver
// at FLOOR_RATES, against what the filter and the webhook add per message at those rates.
import { setTimeout as sleep } from 'node:timers/promises';
import { log, n } from '../config.mjs';
import { allocatedBytes, cpuSeconds, cutProfile } from '../measure.mjs';
import { countMessages, freshPostgres } from '../databases.mjs';
import { Generator, withGenerator } from '../generator.mjs';
import { provisionApps, provisionFeatures, provisionUsers } from '../provision.mjs';
import { raw, row } from '../report.mjs';
import { r1 } from '../round.mjs';
import { sioUrl, startBaseline, startChatgate, startWebhookFloor } from '../servers.mjs';
import { climbRates, rateRows } from './rate-steps.mjs';

/** The server's CPU seconds and allocated bytes per second over `ms` at rest. */
async function atRest(server, ms) {
  const [c0, a0] = [cpuSeconds(server), await allocatedBytes(server)];
  await sleep(ms);
  return { cpu: (cpuSeconds(server) - c0) / (ms / 1000), alloc: ((await allocatedBytes(server)) - a0) / (ms / 1000) };
}

async function intakeRun(label, server, gen, specs, { stepMs = 3000, database, receiver } = {}) {
  const conn = await gen.call('connect', { name: 'in', kind: 'sio', url: sioUrl(server), specs, inFlight: 100 });
  if (conn.failed) log(`${label}: connect failures`, conn.failures);
  await sleep(1000);
  const rowsBefore = database ? await countMessages(database) : 0;
  // The whole ladder, warm-up and webhooks included, less what the server spends at rest with every sender connected
  // (heartbeats, timers): per message, what the messages cost, whichever step their webhooks were delivered in.
  const rest = await atRest(server, 2000);
  const [c0, a0, t0] = [cpuSeconds(server), await allocatedBytes(server), Date.now()];
  const { warm, steps, best, top } = await climbRates(label, server, gen, {
    op: 'intakeStep',
    name: 'in',
    stepMs,
    detail: (r) => `skipped ${r.skipped} errors ${r.errors}`,
  });
  const acked = warm.acked + steps.reduce((s, r) => s + r.acked, 0);
  const webhooks = receiver && (await receiver.drained(acked, 60_000));
  if (receiver) await cutProfile(server); // with BENCH_PROFILE=1, the next profile holds the webhooks' drain
  const secs = (Date.now() - t0) / 1000;
  const whole = {
    cpuUsPerMsg: ((cpuSeconds(server) - c0 - rest.cpu * secs) * 1e6) / Math.max(1, acked),
    allocKBPerMsg: ((await allocatedBytes(server)) - a0 - rest.alloc * secs) / 1024 / Math.max(1, acked),
    restCpu: rest.cpu,
  };
  log(
    `${label}, whole ladder${receiver ? ' and its webhooks' : ''}: ${r1(whole.cpuUsPerMsg)} µs CPU/msg, ${r1(whole.allocKBPerMsg)} KB allocated/msg beyond rest (CPU ${Math.round(rest.cpu * 100)}% at rest)`,
  );
  let rowsAfter = null;
  if (database) {
    await sleep(500);
    rowsAfter = (await countMessages(database)) - rowsBefore;
  }
  await gen.call('close', {});
  return { connect: conn, steps, best, top, acked, rows: rowsAfter, whole, webhooks };
}

async function baselineIntake() {
  if (raw.intakeBaseline) return raw.intakeBaseline;
  raw.intakeBaseline = await withGenerator(
    () => startBaseline('sio'),
    (server, gen) =>
      intakeRun(
        'plain socket.io intake',
        server,
        gen,
        Array.from({ length: n(1000) }, (_, i) => ({ app_id: i + 1, hashed_token: `t${i}` })),
      ),
  );
  return raw.intakeBaseline;
}

/** Chatgate's intake ladder on `kind`; with `features`, every lobby has a word filter and one webhook endpoint gets every message. */
async function chatgateIntake(kind, { features = false } = {}) {
  const senders = n(1000);
  const gen = new Generator();
  let pgdb = null;
  let server;
  let receiver;
  try {
    const env = {};
    if (kind === 'postgres') {
      pgdb = await freshPostgres();
      env.DATABASE_URL = pgdb.url;
    }
    if (features) env.WEBHOOK_ALLOW_PRIVATE = 'true';
    const name = features ? `intake-${kind}-features` : `intake-${kind}`;
    server = await startChatgate('chatgate', env, { profileName: name });
    const appIds = await provisionApps(server, senders);
    const hashes = await provisionUsers(server, Math.min(senders, 100));
    if (features) receiver = await provisionFeatures(server, appIds);
    const c = await intakeRun(
      `chatgate intake (${kind}${features ? ', filter and webhook' : ''})`,
      server,
      gen,
      appIds.map((id, i) => ({ app_id: id, hashed_token: hashes[i % hashes.length] })),
      { database: server.database, receiver },
    );
    if (receiver) {
      await server.stop(); // off the core before the floor is measured on it
      c.floor = await webhookFloor(receiver.url);
    }
    return c;
  } finally {
    gen.stop();
    await server?.stop();
    await receiver?.close();
    await pgdb?.drop().catch((e) => log('drop failed', e.message));
  }
}

/** Rates (of the ladder's) at which the floor is measured: those where the webhook keeps up with the messages. Then
 * once back to back (rate 0): an idle process pays for waking up per request at low rates, a busy one does not. */
const FLOOR_RATES = [2000, 4000, 6000, 0];

/** The plain-Node sender's CPU and JS heap allocation per request at each of FLOOR_RATES, 3 s each after a warm-up. */
async function webhookFloor(url) {
  const floor = await startWebhookFloor();
  const run = async (rate, ms) => {
    const res = await fetch(`${floor.base}/run`, { method: 'POST', body: JSON.stringify({ url, rate, ms }) });
    return res.json();
  };
  try {
    await run(500, 1500); // JIT warm-up, not counted
    const steps = [];
    for (const rate of FLOOR_RATES) {
      const a0 = await allocatedBytes(floor);
      const c0 = cpuSeconds(floor);
      const counts = await run(rate, 3000);
      const spent = cpuSeconds(floor) - c0;
      const cpuUsPerRequest = (spent * 1e6) / Math.max(1, counts.answered);
      const allocKBPerRequest = ((await allocatedBytes(floor)) - a0) / 1024 / Math.max(1, counts.answered);
      steps.push({ rate, ...counts, cpuUsPerRequest, allocKBPerRequest, cpuUtil: spent / 3 });
      log(
        `webhook floor @${rate ? `${rate}/s` : 'full speed'}: ${counts.answered}/${counts.sent} answered, ${r1(cpuUsPerRequest)} µs CPU/request, ${r1(allocKBPerRequest)} KB allocated/request, CPU ${Math.round((spent / 3) * 100)}%`,
      );
    }
    return steps;
  } finally {
    await floor.stop();
  }
}

export async function intake(kind) {
  const senders = n(1000);
  const c = (raw[`intake-${kind}`] ??= await chatgateIntake(kind));
  const b = await baselineIntake();
  const label = `lobby intake, ${kind === 'postgres' ? 'PostgreSQL' : 'SQLite'} (${senders} senders, own lobbies)`;
  rateRows(label, c, b);
  row(
    label,
    'rows in database = acks',
    c.rows === c.acked ? `${c.rows} = ${c.acked}` : `MISMATCH ${c.rows} ≠ ${c.acked}`,
    '–',
    '',
  );
}

export async function intakeFeatures() {
  const plain = (raw['intake-sqlite'] ??= await chatgateIntake('sqlite'));
  const c = await chatgateIntake('sqlite', { features: true });
  raw['intake-features'] = c;
  const label = `lobby intake, SQLite, filter + webhook (${n(1000)} senders) vs without`;
  rateRows(label, c, plain, 'the baseline column is Chatgate without the filter and the webhook');
  row(
    label,
    'server CPU per message, whole ladder, beyond rest',
    r1(c.whole.cpuUsPerMsg),
    r1(plain.whole.cpuUsPerMsg),
    'µs',
    `warm-up and every step, webhooks delivered; less CPU at rest (${Math.round(c.whole.restCpu * 100)}% vs ${Math.round(plain.whole.restCpu * 100)}%) over the same time`,
  );
  row(
    label,
    'JS heap allocated per message, whole ladder, beyond rest',
    r1(c.whole.allocKBPerMsg),
    r1(plain.whole.allocKBPerMsg),
    'KB',
    'warm-up and every step, webhooks delivered',
  );
  const { received, afterMs } = c.webhooks;
  row(
    label,
    'webhook deliveries = acks',
    received === c.acked ? `${received} = ${c.acked}` : `MISSING ${received} of ${c.acked}`,
    '–',
    '',
    `${afterMs} ms after the ladder ended`,
  );
  const note =
    'baseline: a plain Node keep-alive client posting the same bodies to the same receiver, 10 at once at most';
  for (const f of c.floor) {
    if (f.rate === 0) {
      const at = `back to back: ${Math.round(f.answered / 3)}/s at CPU ${Math.round(f.cpuUtil * 100)}%; ${note}`;
      row(label, 'CPU of the HTTP request alone, busy', '–', r1(f.cpuUsPerRequest), 'µs', at);
      continue;
    }
    const [withBoth, without] = [c, plain].map((run) => run.steps.find((r) => r.rate === f.rate));
    if (!withBoth || !without) continue;
    const at = `at ${f.rate}/s; ${note}`;
    row(
      label,
      'CPU the filter and webhook add per message, vs the HTTP request alone',
      r1(withBoth.cpuUsPerMsg - without.cpuUsPerMsg),
      r1(f.cpuUsPerRequest),
      'µs',
      at,
    );
    row(
      label,
      'JS heap the filter and webhook add per message, vs the HTTP request alone',
      r1(withBoth.allocKBPerMsg - without.allocKBPerMsg),
      r1(f.allocKBPerRequest),
      'KB',
      at,
    );
  }
}
