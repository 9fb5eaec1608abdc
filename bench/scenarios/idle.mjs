// idle-lobby, idle-seller: memory, and connect and close CPU, of 10k idle connections (lobby sockets of 500 users in
// one lobby; seller-chat clients doing a name auth against 100 sellers). Baselines: plain socket.io (also doing the
// protocol's part of an auth), plain ws (also storing what a name auth creates).
import { setTimeout as sleep } from 'node:timers/promises';
import { log, n } from '../config.mjs';
import { withServers } from '../generator.mjs';
import { allocatedBytes, cpuSeconds, cutProfile, memory, turnOrder, untilQuiet } from '../measure.mjs';
import { provisionLobby, provisionSellers } from '../provision.mjs';
import { raw, row } from '../report.mjs';
import { r2 } from '../round.mjs';
import { sellerUrl, sioUrl, startBaseline, startChatgate } from '../servers.mjs';

/** Connections a lane opens per turn in measureIdleTogether. */
const TURN = 1000;

/**
 * Memory after GC before and after opening one connection per spec on each lane's server (`lanes`: { target, server,
 * gen, kind, url, specs } each), the server CPU and JS heap allocation of the opening, then of closing them. With
 * `byToken`, every client then signs in again with the token its name auth got, measured the same way.
 */
async function measureIdleTogether(what, lanes, { byToken = false } = {}) {
  await sleep(1000);
  const before = [];
  for (const { server } of lanes) {
    before.push(await memory(server));
    await cutProfile(server); // the next profile holds the connects only
  }
  const opened = await openInTurns(lanes);
  const results = [];
  for (const [i, { target, server, specs }] of lanes.entries()) {
    const { cpu, allocated, ms, ok, failures } = opened[i];
    await cutProfile(server);
    log(`${target}: ${ok}/${specs.length} ${what} authenticated in ${ms} ms`, ok < specs.length ? failures : '');
    results.push({
      sockets: specs.length,
      ok,
      failures,
      connectMs: ms,
      connectCpuMsPerSocket: (cpu * 1000) / ok,
      connectAllocKBPerSocket: allocated / 1024 / ok,
      before: before[i],
    });
  }
  await sleep(3000);
  const tokenSpecs = [];
  for (const [i, { server, gen }] of lanes.entries()) {
    const r = results[i];
    r.after = await memory(server);
    r.rssKBPerSocket = (r.after.rssKB - r.before.rssKB) / r.ok;
    r.heapKBPerSocket = (r.after.heapUsedKB - r.before.heapUsedKB) / r.ok;
    if (byToken) tokenSpecs.push(await gen.call('tokenSpecs', { name: 'idle' }));
    Object.assign(r, await measureClose(server, gen, r.ok));
  }
  if (!byToken) return results;
  for (const { server } of lanes) await cutProfile(server); // the next profile holds the token sign-ins
  const signedIn = await openInTurns(lanes.map((lane, i) => ({ ...lane, specs: tokenSpecs[i] })));
  for (const [i, { target, server, gen }] of lanes.entries()) {
    const { cpu, allocated, ms, ok, failures } = signedIn[i];
    log(
      `${target}: ${ok}/${tokenSpecs[i].length} ${what} signed in by token in ${ms} ms`,
      ok < tokenSpecs[i].length ? failures : '',
    );
    Object.assign(results[i], {
      tokenOk: ok,
      tokenCpuMsPerSocket: (cpu * 1000) / ok,
      tokenAllocKBPerSocket: allocated / 1024 / ok,
    });
    await cutProfile(server);
    await gen.call('close', {});
  }
  return results;
}

/**
 * Opens each lane's connections (one per spec), the lanes taking turns of TURN connections, first to last and then
 * last to first, so each meets the machine's drift over the scenario alike, rather than one of them a minute after
 * the other. A turn's CPU and allocation run until its server is quiet again, so work its connects left behind (a
 * join announced to the lobby) counts, and the next turn starts only then.
 */
async function openInTurns(lanes) {
  const runs = lanes.map(() => ({ cpu: 0, allocated: 0, ms: 0, ok: 0, failures: {} }));
  const longest = Math.max(...lanes.map(({ specs }) => specs.length));
  for (let from = 0; from < longest; from += TURN) {
    for (const i of turnOrder(lanes, from / TURN)) {
      const { server, gen, kind, url, specs } = lanes[i];
      const turn = specs.slice(from, from + TURN);
      if (!turn.length) continue;
      const run = runs[i];
      const a0 = await allocatedBytes(server);
      const c0 = cpuSeconds(server);
      const conn = await gen.call('connect', { name: 'idle', kind, url, specs: turn, inFlight: 100 });
      await untilQuiet([server]);
      run.cpu += cpuSeconds(server) - c0;
      run.allocated += (await allocatedBytes(server)) - a0;
      run.ms += conn.ms;
      run.ok += conn.ok;
      for (const [why, count] of Object.entries(conn.failures)) run.failures[why] = (run.failures[why] ?? 0) + count;
    }
  }
  return runs;
}

/**
 * The server CPU and JS heap allocation per connection of its clients all closing theirs (a page left, a network
 * gone: taken offline, announced, forgotten), counted until the server is quiet again.
 */
async function measureClose(server, gen, count) {
  await untilQuiet([server]);
  const a0 = await allocatedBytes(server);
  const c0 = cpuSeconds(server);
  await gen.call('close', {});
  await untilQuiet([server]);
  return {
    closeCpuUsPerSocket: ((cpuSeconds(server) - c0) * 1e6) / count,
    closeAllocKBPerSocket: ((await allocatedBytes(server)) - a0) / 1024 / count,
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
  const allocated = (r) => r2(r.connectAllocKBPerSocket);
  row(label, 'JS heap allocated per connect + auth', allocated(c), allocated(b), 'KB', cpuNote);
  row(label, 'server CPU per close', r2(c.closeCpuUsPerSocket), r2(b.closeCpuUsPerSocket), 'µs', cpuNote);
  row(label, 'JS heap allocated per close', r2(c.closeAllocKBPerSocket), r2(b.closeAllocKBPerSocket), 'KB', cpuNote);
}

function tokenRows(label, c, b, note) {
  const cpu = (r) => r2(r.tokenCpuMsPerSocket);
  row(
    label,
    'server CPU per sign-in by token, reconnecting',
    cpu(c),
    cpu(b),
    'ms',
    `${c.tokenOk}/${b.tokenOk}; ${note}`,
  );
  row(label, 'JS heap allocated per sign-in by token', r2(c.tokenAllocKBPerSocket), r2(b.tokenAllocKBPerSocket), 'KB');
}

export async function idleLobby() {
  const sockets = n(10000);
  const users = Math.min(sockets, 500);
  // Plain socket.io, with the same users (user i % 500 for socket i), as the lobby's minimum (`sio`) and doing the
  // protocol's own part of an auth (`sio-presence`: the user list in every reply, user_joined for each user's first
  // socket): what separates the two is the protocol's.
  const plainSpecs = Array.from({ length: sockets }, (_, i) => ({
    app_id: 1,
    hashed_token: (i % users).toString(16).padStart(64, '0'),
  }));
  const [chatgate, sio, sioPresence] = await withServers(
    [
      () => startChatgate('chatgate', {}, { profileName: 'idle-lobby' }),
      () => startBaseline('sio'),
      () => startBaseline('sio-presence'),
    ],
    async ([c, s, p]) => {
      const specsFor = await provisionLobby(c.server, users);
      return measureIdleTogether('lobby sockets', [
        { target: 'chatgate', ...c, kind: 'sio', url: sioUrl(c.server), specs: specsFor(sockets) },
        { target: 'sio', ...s, kind: 'sio', url: sioUrl(s.server), specs: plainSpecs },
        { target: 'sio-presence', ...p, kind: 'sio', url: sioUrl(p.server), specs: plainSpecs },
      ]);
    },
  );
  const result = { chatgate, sio, sioPresence };
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
  const plainSpecs = Array.from({ length: sockets }, (_, i) => ({ pair: i, side: 'client' }));
  const [chatgate, ws, durable] = await withServers(
    [
      () => startChatgate('chatgate', {}, { profileName: 'idle-seller' }),
      () => startBaseline('ws'),
      () => startBaseline('ws-durable'),
    ],
    async ([c, w, d]) => {
      const ss = await provisionSellers(c.server, sellers);
      return measureIdleTogether(
        'seller-chat clients',
        [
          {
            target: 'chatgate',
            ...c,
            kind: 'seller',
            url: sellerUrl(c.server),
            specs: Array.from({ length: sockets }, (_, i) => ({ name: `c${i}`, sellerId: ss[i % sellers].id })),
          },
          { target: 'ws', ...w, kind: 'seller', url: sellerUrl(w.server), specs: plainSpecs },
          { target: 'ws-durable', ...d, kind: 'seller', url: sellerUrl(d.server), specs: plainSpecs },
        ],
        { byToken: true },
      );
    },
  );
  const result = { chatgate, ws, durable };
  raw.idleSeller = result;
  const label = `idle seller chat (${sockets} clients, name auth)`;
  idleRows(label, result.chatgate, result.ws, {
    per: 'connection',
    all: 'connections',
    connectNote: 'Chatgate creates a client + chat per auth',
  });
  tokenRows(label, result.chatgate, result.ws, 'plain ws binds the connection to its pair again');
  const note = `baseline: the durable floor, plain ws storing a client, its token and its chat before the reply (${r2(
    durable.connectCpuMsPerSocket / ws.connectCpuMsPerSocket,
  )} × plain ws)`;
  connectRows(label, result.chatgate, result.durable, { all: 'connections', note, cpuNote: note });
  tokenRows(
    label,
    result.chatgate,
    result.durable,
    'the durable floor reads the client by its token, its chat and its history',
  );
}
