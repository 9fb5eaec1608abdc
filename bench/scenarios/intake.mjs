// intake-sqlite, intake-postgres: 1000 lobby senders, each in its own lobby, climb the rate ladder against Chatgate
// on SQLite or PostgreSQL; afterwards the rows in `messages` must equal the acks. Baseline: plain socket.io (run once
// per bench run, shared by both scenarios).
import { setTimeout as sleep } from 'node:timers/promises';
import { log, n } from '../config.mjs';
import { countMessages, freshPostgres } from '../databases.mjs';
import { Generator, withGenerator } from '../generator.mjs';
import { provisionApps, provisionUsers } from '../provision.mjs';
import { raw, row } from '../report.mjs';
import { sioUrl, startBaseline, startChatgate } from '../servers.mjs';
import { climbRates, rateRows } from './rate-steps.mjs';

async function intakeRun(label, server, gen, specs, { stepMs = 3000, database } = {}) {
  const conn = await gen.call('connect', { name: 'in', kind: 'sio', url: sioUrl(server), specs, inFlight: 100 });
  if (conn.failed) log(`${label}: connect failures`, conn.failures);
  await sleep(1000);
  const rowsBefore = database ? await countMessages(database) : 0;
  const { warm, steps, best, top } = await climbRates(label, server, gen, {
    op: 'intakeStep',
    name: 'in',
    stepMs,
    detail: (r) => `skipped ${r.skipped} errors ${r.errors}`,
  });
  const acked = warm.acked + steps.reduce((s, r) => s + r.acked, 0);
  let rowsAfter = null;
  if (database) {
    await sleep(500);
    rowsAfter = (await countMessages(database)) - rowsBefore;
  }
  await gen.call('close', {});
  return { connect: conn, steps, best, top, acked, rows: rowsAfter };
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

export async function intake(kind) {
  const senders = n(1000);
  const gen = new Generator();
  let pgdb = null;
  let server;
  let c;
  try {
    const env = {};
    if (kind === 'postgres') {
      pgdb = await freshPostgres();
      env.DATABASE_URL = pgdb.url;
    }
    server = await startChatgate('chatgate', env, { profileName: `intake-${kind}` });
    const appIds = await provisionApps(server, senders);
    const hashes = await provisionUsers(server, Math.min(senders, 100));
    c = await intakeRun(
      `chatgate intake (${kind})`,
      server,
      gen,
      appIds.map((id, i) => ({ app_id: id, hashed_token: hashes[i % hashes.length] })),
      { database: server.database },
    );
  } finally {
    gen.stop();
    await server?.stop();
    await pgdb?.drop().catch((e) => log('drop failed', e.message));
  }
  raw[`intake-${kind}`] = c;
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
