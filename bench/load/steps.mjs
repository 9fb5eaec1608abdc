// The measured operations: one open-loop step each, reporting what was sent, answered, delivered and how fast.
import { groups } from './groups.mjs';
import { now, paced, waitWhile } from './pacing.mjs';
import { resetStats, stats, summary } from './stats.mjs';

/** Lobby fan-out: `senders` (the first sockets of the group) send `rate` messages/s in total for `ms`; every socket
 * of the group reads. Probes are spread evenly over the connection order. Waits for delivery to drain. With
 * `probeLatencies`, the result also holds every probe's latency. */
export async function fanout({ name, senders, rate, ms, probes = 100, drainMs = 15000, probeLatencies = false }) {
  const list = groups.get(name);
  resetStats();
  const stride = Math.max(1, Math.floor(list.length / probes));
  list.forEach((c, i) => (c.probe = i % stride === Math.floor(stride / 2)));
  let sent = 0;
  let acked = 0;
  let ackErrors = 0;
  let ackSample = null;
  const t0 = now();
  let k = 0;
  await paced(t0, { rate, ms, pauseMs: Math.max(1, 1000 / rate / 2) }, () => {
    const c = list[k++ % senders];
    const ok = c.emit('new_message', `p${now().toFixed(3)}`, (args) => {
      if (args === '[]') acked++;
      else {
        ackErrors++;
        ackSample ??= args;
      }
    });
    if (ok) sent++;
    return ok;
  });
  const sendMs = now() - t0;
  const readers = list.filter((c) => !c.closed).length;
  await waitWhile(() => acked + ackErrors < sent || stats.received < acked * readers, drainMs, 20);
  const expected = acked * readers;
  return {
    sent,
    acked,
    ackErrors,
    ackSample,
    readers,
    expected,
    received: stats.received,
    lost: expected - stats.received,
    closed: stats.closed,
    sendMs: Math.round(sendMs),
    totalMs: Math.round(now() - t0),
    framesPerSec: Math.round(stats.received / ((now() - t0) / 1000)),
    probe: summary(stats.probeLatencies),
    ...(probeLatencies ? { probeLatencies: stats.probeLatencies } : {}),
  };
}

/** Open-loop intake: `rate` messages/s in total, round robin over every socket of the group, each socket with at
 * most `maxOutstanding` unacked; latency is send → ack. */
export async function intakeStep({ name, rate, ms, maxOutstanding = 20, drainMs = 15000 }) {
  const list = groups.get(name).filter((c) => !c.closed);
  resetStats();
  let sent = 0;
  let skipped = 0;
  let acked = 0;
  let errors = 0;
  let errorSample = null;
  const lat = [];
  const t0 = now();
  let k = 0;
  const out = new Map();
  await paced(t0, { rate, ms, pauseMs: 2 }, () => {
    const c = list[k++ % list.length];
    const o = out.get(c) ?? 0;
    if (o >= maxOutstanding) {
      skipped++;
      return true;
    }
    out.set(c, o + 1);
    const t = now();
    const ok = c.emit('new_message', `m${sent}`, (args) => {
      out.set(c, out.get(c) - 1);
      if (args === '[]') {
        acked++;
        lat.push(now() - t);
      } else {
        errors++;
        errorSample ??= args;
      }
    });
    if (ok) sent++;
    else out.set(c, o);
    return true;
  });
  const sendMs = now() - t0;
  await waitWhile(() => acked + errors < sent, drainMs, 10);
  const totalMs = now() - t0;
  return {
    rate,
    sent,
    skipped,
    acked,
    errors,
    errorSample,
    unanswered: sent - acked - errors,
    sendMs: Math.round(sendMs),
    totalMs: Math.round(totalMs),
    ackedPerSec: Math.round(acked / (sendMs / 1000)),
    broadcastsReceived: stats.received,
    closed: stats.closed,
    latency: summary(lat),
  };
}

let clientDateSeq = 1_700_000_000;

/** Seller chat: group `name` holds 2*pairs clients, [client0, seller0, client1, seller1, …]; each message goes
 * from one side of a pair to the other (sides alternate), at `rate` messages/s in total. */
export async function sellerStep({ name, rate, ms, maxOutstanding = 20, drainMs = 15000 }) {
  const list = groups.get(name);
  resetStats();
  let sent = 0;
  let skipped = 0;
  const t0 = now();
  let k = 0;
  await paced(t0, { rate, ms, pauseMs: 2 }, () => {
    const c = list[k++ % list.length];
    if (c.pending.size >= maxOutstanding || c.chatId === null) {
      skipped++;
      return true;
    }
    const clientDate = clientDateSeq++;
    if (
      c.send({
        command: 'message',
        data: { id: 0, text: `m${sent}`, date: 0, clientDate, chatId: c.chatId, my: false },
      })
    ) {
      c.pending.set(clientDate, now());
      stats.outstanding++;
      sent++;
    }
    return true;
  });
  const sendMs = now() - t0;
  await waitWhile(() => stats.outstanding > 0 || stats.received < stats.acked, drainMs, 10);
  return {
    rate,
    sent,
    skipped,
    acked: stats.acked,
    errors: stats.errors,
    errorSample: stats.errorSample,
    delivered: stats.received,
    unanswered: stats.outstanding,
    sendMs: Math.round(sendMs),
    totalMs: Math.round(now() - t0),
    ackedPerSec: Math.round(stats.acked / (sendMs / 1000)),
    closed: stats.closed,
    latency: summary(stats.ackLatencies),
  };
}

/** Lobby traffic over many lobbies (the scale scenario): in each lobby of `sendLobbies`, its first open client of
 * the group sends `perLobbyRate` messages/s for `ms`; every client reads, and one client per lobby (a probe) times
 * each message from the wall-clock stamp in its text, whichever process sent it. After the acks it waits until
 * nothing has arrived for `quietMs` (other processes' messages may still be on their way), at most `drainMs`.
 * Returns per lobby the messages acked here and the clients open here, for the run to add up over processes. */
export async function lobbyTraffic({ name, sendLobbies, perLobbyRate = 1, ms, quietMs = 1500, drainMs = 20000 }) {
  const list = groups.get(name).filter((c) => !c.closed);
  resetStats();
  const members = {};
  const senders = new Map();
  for (const c of list) {
    const lobby = c.spec.app_id;
    members[lobby] = (members[lobby] ?? 0) + 1;
    c.probe = members[lobby] === 1;
    if (!senders.has(lobby) && sendLobbies.includes(lobby)) senders.set(lobby, c);
  }
  const order = [...senders.entries()];
  const acked = {};
  let sent = 0;
  let ackErrors = 0;
  let ackSample = null;
  let answered = 0;
  const t0 = now();
  let k = 0;
  await paced(t0, { rate: order.length * perLobbyRate, ms, pauseMs: 5 }, () => {
    if (order.length === 0) return false;
    const [lobby, c] = order[k++ % order.length];
    const ok = c.emit('new_message', `p${now().toFixed(3)}`, (args) => {
      answered++;
      if (args === '[]') acked[lobby] = (acked[lobby] ?? 0) + 1;
      else {
        ackErrors++;
        ackSample ??= args;
      }
    });
    if (ok) sent++;
    return ok;
  });
  await waitWhile(() => answered < sent, drainMs, 20);
  let last = -1;
  await waitWhile(
    () => {
      const moved = stats.received !== last;
      last = stats.received;
      return moved;
    },
    drainMs,
    quietMs,
  );
  return {
    sent,
    acked,
    ackErrors,
    ackSample,
    members,
    received: stats.received,
    closed: stats.closed,
    probeLatencies: stats.probeLatencies,
  };
}

/** Closes the clients of group `name` in the lobbies `appIds`; they leave the group. */
export async function closeLobbies({ name, appIds }) {
  const leaving = new Set(appIds);
  const list = groups.get(name);
  const stay = list.filter((c) => !leaving.has(c.spec.app_id));
  for (const c of list) if (leaving.has(c.spec.app_id)) c.close();
  groups.set(name, stay);
  return { closed: list.length - stay.length };
}
