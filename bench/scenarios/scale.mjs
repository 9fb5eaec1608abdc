// scale: three Chatgate instances joined by Redis on one fresh PostgreSQL database, 18,000 authenticated lobby
// sockets each (54,000 in all: one process may hold at most 20,000 file descriptors here), 1,000 lobbies with 18
// members on every instance, one message per second per lobby. Three generator processes, one per instance, each
// connecting from loopback source addresses of its own (ADDRESSES_PER_GENERATOR). Reports connect
// time, memory per socket, delivery latency and loss, and each instance's Redis traffic; then one instance leaves
// half the lobbies, to show that an instance's Redis traffic follows the lobbies it hosts, not all lobbies.
// No baseline: plain socket.io has no cluster of its own to compare with.
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { log, n, REDIS_URL } from '../config.mjs';
import { freshPostgres, freshRedisPrefix } from '../databases.mjs';
import { Generator } from '../generator.mjs';
import { cpuSeconds, cutProfile, memory, untilQuiet } from '../measure.mjs';
import { provisionApps, provisionUsers } from '../provision.mjs';
import { raw, row } from '../report.mjs';
import { r2 } from '../round.mjs';
import { sioUrl, startChatgate } from '../servers.mjs';
import { summary } from '../load/stats.mjs';

const INSTANCES = 3;
const MEMBERS_PER_INSTANCE = 18; // per lobby
const TRAFFIC_MS = 10_000;
const LOCALITY_MS = 6_000;
/** Each generator's loopback source addresses: about 3,000 of its connections on each (see groups.mjs `connect`). */
const ADDRESSES_PER_GENERATOR = 6;

export async function scale() {
  const lobbies = n(1000);
  const perInstance = lobbies * MEMBERS_PER_INSTANCE;
  const users = Math.min(2000, lobbies * MEMBERS_PER_INSTANCE * INSTANCES);
  const pgdb = await freshPostgres();
  const redis = freshRedisPrefix();
  const servers = [];
  const gens = [];
  try {
    const env = { DATABASE_URL: pgdb.url, REDIS_URL, REDIS_KEY_PREFIX: redis.prefix };
    for (let k = 0; k < INSTANCES; k++) {
      // With BENCH_PROFILE=1, instance A's CPU profiles: the connect phase, then the traffic rounds.
      const options = k === 0 ? { profileName: 'scale-A' } : {};
      servers.push(await startChatgate(`chatgate ${'ABC'[k]}`, env, options));
    }
    const appIds = await provisionApps(servers[0], lobbies);
    const hashes = await provisionUsers(servers[0], users);
    // Instance k's sockets: member j of lobby L (i = j * lobbies + L, so every lobby fills at the same pace).
    const specs = (k) =>
      Array.from({ length: perInstance }, (_, i) => {
        const lobby = i % lobbies;
        const member = k * MEMBERS_PER_INSTANCE + Math.floor(i / lobbies);
        return { app_id: appIds[lobby], hashed_token: hashes[(lobby * 54 + member) % users] };
      });
    for (let k = 0; k < INSTANCES; k++) gens.push(new Generator());
    await sleep(1000);
    const before = await Promise.all(servers.map(memory));
    await cutProfile(servers[0]);
    const cpu0 = servers.map(cpuSeconds);
    const t0 = Date.now();
    const conns = await Promise.all(
      gens.map((gen, k) =>
        gen.call('connect', {
          name: 'scale',
          kind: 'sio',
          url: sioUrl(servers[k]),
          specs: specs(k),
          localAddresses: Array.from(
            { length: ADDRESSES_PER_GENERATOR },
            (_, a) => `127.0.0.${2 + k * ADDRESSES_PER_GENERATOR + a}`,
          ),
          inFlight: 100,
          timeoutMs: 60_000,
          deadlineMs: 300_000,
        }),
      ),
    );
    const connectMs = Date.now() - t0;
    const connectCpu = servers.map((s, k) => cpuSeconds(s) - cpu0[k]);
    await cutProfile(servers[0]);
    const connected = conns.reduce((sum, c) => sum + c.ok, 0);
    log(`scale: ${connected}/${perInstance * INSTANCES} lobby sockets authenticated in ${connectMs} ms`);
    for (const c of conns) if (c.failed) log('scale: connect failures', c.failures);
    await sleep(3000);
    const after = await Promise.all(servers.map(memory));

    const traffic = await trafficRound(servers, gens, appIds, TRAFFIC_MS);
    log(
      `scale: ${traffic.received}/${traffic.expected} frames, lost ${traffic.lost}, p50 ${traffic.latency.p50} ms ` +
        `p99 ${traffic.latency.p99} ms; Redis in per instance ${traffic.redisInPerSec.join(' / ')} B/s`,
    );
    // Instance C leaves the second half of the lobbies: its Redis traffic should halve, A's and B's stay.
    const leaving = appIds.slice(Math.ceil(lobbies / 2));
    await gens[INSTANCES - 1].call('closeLobbies', { name: 'scale', appIds: leaving });
    // Sockets a generator closed are still being taken down, and their departures announced, for a while after it
    // returns.
    const settleMs = await untilQuiet(servers);
    log(`scale: the instances were quiet ${settleMs} ms after C closed ${leaving.length} lobbies' sockets`);
    const locality = await trafficRound(servers, gens, appIds, LOCALITY_MS);
    log(`scale, C in half the lobbies: Redis in per instance ${locality.redisInPerSec.join(' / ')} B/s`);

    const result = {
      lobbies,
      sockets: perInstance * INSTANCES,
      connected,
      failures: conns.map((c) => c.failures),
      connectMs,
      connectCpuMsPerSocket: connectCpu.map((cpu, k) => (cpu * 1000) / conns[k].ok),
      rssKBPerSocket: after.map((m, k) => (m.rssKB - before[k].rssKB) / conns[k].ok),
      heapKBPerSocket: after.map((m, k) => (m.heapUsedKB - before[k].heapUsedKB) / conns[k].ok),
      traffic: { ...traffic, probeLatencies: undefined },
      settleMs,
      locality: { ...locality, probeLatencies: undefined },
    };
    raw.scale = result;
    scaleRows(result);
  } finally {
    for (const gen of gens) gen.stop();
    for (const s of servers) await s.stop();
    await pgdb.drop().catch((e) => log('drop failed', e.message));
    await redis.removeKeys().catch((e) => log('redis cleanup failed', e.message));
  }
}

/** One message per second in every lobby for `ms`, each lobby's sender on the instance `lobby index % 3`. */
async function trafficRound(servers, gens, appIds, ms) {
  const redis0 = servers.map(redisBytes);
  const t0 = Date.now();
  const results = await Promise.all(
    gens.map((gen, k) =>
      gen.call('lobbyTraffic', {
        name: 'scale',
        sendLobbies: appIds.filter((_, i) => i % gens.length === k),
        perLobbyRate: 1,
        ms,
      }),
    ),
  );
  const seconds = (Date.now() - t0) / 1000;
  const redisInPerSec = servers.map((s, k) => Math.round((redisBytes(s).received - redis0[k].received) / seconds));
  const redisOutPerSec = servers.map((s, k) => Math.round((redisBytes(s).sent - redis0[k].sent) / seconds));
  // Messages acked in each lobby, whichever generator sent them.
  const ackedIn = new Map(appIds.map((lobby) => [lobby, results.reduce((sum, r) => sum + (r.acked[lobby] ?? 0), 0)]));
  // Per generator (so per instance): every message acked in a lobby times its members there.
  const expectedEach = results.map((r) =>
    appIds.reduce((sum, lobby) => sum + ackedIn.get(lobby) * (r.members[lobby] ?? 0), 0),
  );
  const expected = expectedEach.reduce((a, b) => a + b, 0);
  const received = results.reduce((sum, r) => sum + r.received, 0);
  return {
    sent: results.reduce((sum, r) => sum + r.sent, 0),
    acked: [...ackedIn.values()].reduce((a, b) => a + b, 0),
    ackErrors: results.reduce((sum, r) => sum + r.ackErrors, 0),
    ackSample: results.find((r) => r.ackSample)?.ackSample ?? null,
    expected,
    received,
    lost: expected - received,
    lostEach: results.map((r, k) => expectedEach[k] - r.received),
    // What each instance's Redis traffic should follow: the lobbies it hosts in which someone sent.
    busyLobbiesHosted: results.map((r) => appIds.filter((l) => r.members[l] && ackedIn.get(l)).length),
    closed: results.reduce((sum, r) => sum + r.closed, 0),
    latency: summary(results.flatMap((r) => r.probeLatencies)),
    redisInPerSec,
    redisOutPerSec,
  };
}

/** Bytes the server's TCP connections to Redis have received and sent so far (`ss`'s tcp_info, by the server's pid). */
function redisBytes(server) {
  const port = new URL(REDIS_URL).port || '6379';
  const out = spawnSync('ss', ['-tinpH', 'state', 'established', `( dport = :${port} )`], { encoding: 'utf8' }).stdout;
  const totals = { received: 0, sent: 0 };
  const lines = out.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].includes(`pid=${server.pid},`)) continue;
    const info = lines[i + 1] ?? '';
    totals.received += Number(/bytes_received:(\d+)/.exec(info)?.[1] ?? 0);
    totals.sent += Number(/bytes_sent:(\d+)/.exec(info)?.[1] ?? 0);
  }
  return totals;
}

function scaleRows(c) {
  const label = `scale: ${INSTANCES} instances via Redis, ${c.sockets} lobby sockets, ${c.lobbies} lobbies`;
  const each = (values, digits = r2) => values.map(digits).join(' / ');
  row(label, `connect + auth, all ${c.sockets}`, r2(c.connectMs / 1000), null, 's', `${c.connected} authenticated`);
  row(label, 'server CPU per connect + auth (A / B / C)', each(c.connectCpuMsPerSocket), null, 'ms');
  row(label, 'RSS per socket after GC (A / B / C)', each(c.rssKBPerSocket), null, 'KB');
  row(label, 'heap per socket after GC (A / B / C)', each(c.heapKBPerSocket), null, 'KB');
  const t = c.traffic;
  row(label, 'messages acked', t.acked, null, '', `${t.sent} sent, 1/s per lobby for ${TRAFFIC_MS / 1000} s`);
  row(label, 'frames lost', t.lost, null, 'frames', `of ${t.expected}; A / B / C ${each(t.lostEach, String)}`);
  row(label, 'delivery latency p50', t.latency.p50, null, 'ms', 'send → a member on any instance');
  row(label, 'delivery latency p99', t.latency.p99, null, 'ms');
  row(label, 'Redis bytes in per second (A / B / C)', each(t.redisInPerSec, String), null, 'B/s', 'all lobbies');
  row(
    label,
    'Redis bytes in per second, C in half the lobbies',
    each(c.locality.redisInPerSec, String),
    null,
    'B/s',
    `C/A ${r2(c.locality.redisInPerSec[2] / c.locality.redisInPerSec[0])}, where C/A of the lobbies with traffic ` +
      `each hosts is ${r2(c.locality.busyLobbiesHosted[2] / c.locality.busyLobbiesHosted[0])}; lost ${c.locality.lost} of ` +
      `${c.locality.expected} (A / B / C ${each(c.locality.lostEach, String)}); started ${c.settleMs} ms after C's ` +
      'closes, once every instance was quiet',
  );
}
