// idle-lobby, idle-seller: memory and connect CPU of 10k idle connections (lobby sockets of 500 users in one lobby;
// seller-chat clients doing a name auth against 100 sellers). Baselines: plain socket.io, plain ws.
import { setTimeout as sleep } from 'node:timers/promises';
import { log, n } from '../config.mjs';
import { withGenerator } from '../generator.mjs';
import { cpuSeconds, cutProfile, memory } from '../measure.mjs';
import { provisionLobby, provisionSellers } from '../provision.mjs';
import { raw, row } from '../report.mjs';
import { r2 } from '../round.mjs';
import { sellerUrl, sioUrl, startBaseline, startChatgate } from '../servers.mjs';

/** Memory after GC before and after opening one connection per spec, and the server CPU the opening took. */
async function measureIdle(target, what, server, gen, { kind, url, specs }) {
  await sleep(1000);
  const before = await memory(server);
  await cutProfile(server); // the next profile holds the connects only
  const c0 = cpuSeconds(server);
  const conn = await gen.call('connect', { name: 'idle', kind, url, specs, inFlight: 100 });
  const cpu = cpuSeconds(server) - c0;
  await cutProfile(server);
  log(`${target}: ${conn.ok}/${specs.length} ${what} authenticated in ${conn.ms} ms`, conn.failed ? conn.failures : '');
  await sleep(3000);
  const after = await memory(server);
  await gen.call('close', {});
  return {
    sockets: specs.length,
    ok: conn.ok,
    failures: conn.failures,
    connectMs: conn.ms,
    connectCpuMsPerSocket: (cpu * 1000) / conn.ok,
    before,
    after,
    rssKBPerSocket: (after.rssKB - before.rssKB) / conn.ok,
    heapKBPerSocket: (after.heapUsedKB - before.heapUsedKB) / conn.ok,
  };
}

function idleRows(label, c, b, { per, all, connectNote }) {
  row(
    label,
    `RSS per ${per} after GC`,
    r2(c.rssKBPerSocket),
    r2(b.rssKBPerSocket),
    'KB',
    `${c.ok}/${b.ok} authenticated`,
  );
  row(label, `heap per ${per} after GC`, r2(c.heapKBPerSocket), r2(b.heapKBPerSocket), 'KB');
  connectRows(label, c, b, { all, note: connectNote });
}

function connectRows(label, c, b, { all, note, cpuNote = '' }) {
  row(label, `connect + auth, all ${all}`, r2(c.connectMs / 1000), r2(b.connectMs / 1000), 's', note);
  row(label, 'server CPU per connect + auth', r2(c.connectCpuMsPerSocket), r2(b.connectCpuMsPerSocket), 'ms', cpuNote);
}

export async function idleLobby() {
  const sockets = n(10000);
  const users = Math.min(sockets, 500);
  const what = 'lobby sockets';
  const result = {};
  result.chatgate = await withGenerator(
    () => startChatgate('chatgate', {}, { profileName: 'idle-lobby' }),
    async (server, gen) => {
      const specsFor = await provisionLobby(server, users);
      return measureIdle('chatgate', what, server, gen, { kind: 'sio', url: sioUrl(server), specs: specsFor(sockets) });
    },
  );
  // Plain socket.io, with the same users (user i % 500 for socket i), as the lobby's minimum (`sio`) and doing the
  // protocol's own part of an auth (`sio-presence`: the user list in every reply, user_joined for each user's first
  // socket): what separates the two is the protocol's.
  const plain = (mode) =>
    withGenerator(
      () => startBaseline(mode),
      (server, gen) =>
        measureIdle(mode, what, server, gen, {
          kind: 'sio',
          url: sioUrl(server),
          specs: Array.from({ length: sockets }, (_, i) => ({
            app_id: 1,
            hashed_token: (i % users).toString(16).padStart(64, '0'),
          })),
        }),
    );
  result.sio = await plain('sio');
  result.sioPresence = await plain('sio-presence');
  raw.idleLobby = result;
  const label = `idle lobby (${sockets} sockets, ${users} users)`;
  idleRows(label, result.chatgate, result.sio, {
    per: 'socket',
    all: 'sockets',
    connectNote: '100 handshakes in flight',
  });
  const note = 'baseline: plain socket.io with the user list and user_joined';
  connectRows(label, result.chatgate, result.sioPresence, { all: 'sockets', note, cpuNote: note });
}

export async function idleSeller() {
  const sockets = n(10000);
  const sellers = Math.max(1, Math.round(sockets / 100));
  const what = 'seller-chat clients';
  const result = {};
  result.chatgate = await withGenerator(
    () => startChatgate('chatgate', {}, { profileName: 'idle-seller' }),
    async (server, gen) => {
      const ss = await provisionSellers(server, sellers);
      const specs = Array.from({ length: sockets }, (_, i) => ({ name: `c${i}`, sellerId: ss[i % sellers].id }));
      return measureIdle('chatgate', what, server, gen, { kind: 'seller', url: sellerUrl(server), specs });
    },
  );
  result.ws = await withGenerator(
    () => startBaseline('ws'),
    (server, gen) =>
      measureIdle('ws', what, server, gen, {
        kind: 'seller',
        url: sellerUrl(server),
        specs: Array.from({ length: sockets }, (_, i) => ({ pair: i, side: 'client' })),
      }),
  );
  raw.idleSeller = result;
  idleRows(`idle seller chat (${sockets} clients, name auth)`, result.chatgate, result.ws, {
    per: 'connection',
    all: 'connections',
    connectNote: 'Chatgate creates a client + chat per auth',
  });
}
