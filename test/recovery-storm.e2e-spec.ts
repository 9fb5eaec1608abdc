import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { keepChecking } from './support/control.js';
import { LobbyClient } from './support/lobby-client.js';
import { metricValue } from './support/metrics.js';
import { killed, type ServerProcess, spawnServer } from './support/server-process.js';
import { ADMIN_TOKEN, Api, uniqueUname } from './support/server.js';

const SOCKETS = 5000;
/** docs/recovery.md states both: on 2 shared cores, the server and the 5,000 clients on one machine. */
const ALL_BACK_WITHIN_MS = 30_000;
/**
 * Longer than CONTROL_DEADLINE_MS: the storm is some 8 s of the server's CPU (connection setup mostly: upgrades,
 * handshakes, garbage), and an API read waits behind the batch of connections its event loop is handling: measured
 * up to 1.4 s (once 3 s) with other jobs loading the 2 cores. What this bounds is that the server keeps answering
 * throughout, never frozen; the slowest answer is printed.
 */
const STORM_CONTROL_DEADLINE_MS = 5000;

/** What the storm worker (test/support/lobby-storm.worker.mjs) reports. */
interface StormReport {
  replies: [room: string, sockets: number][];
  failures: string[];
  failed: number;
  slowestMs: number;
  allBackMs: number;
}

function storm(data: {
  url: string;
  appId: number;
  since: number;
  count: number;
  spreadMs: number;
  timeoutMs: number;
}) {
  const worker = new Worker(new URL('./support/lobby-storm.worker.mjs', import.meta.url), { workerData: data });
  return new Promise<StormReport>((resolve, reject) => {
    worker.once('message', (report: StormReport) => {
      resolve(report);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

/**
 * A reconnect storm (docs/recovery.md): the server restarts and 5,000 sockets of one lobby come back at once, each
 * with the `since` its widget holds. The history is read once for all of them (chatgate_history_reads_total), every
 * one is answered within ALL_BACK_WITHIN_MS though they arrive faster than AUTH_CONCURRENCY lets them in (the auth
 * queue, not the auth deadline), and an API read on a separate connection keeps being answered meanwhile.
 */
describe('a reconnect storm after a restart', () => {
  const file = join(tmpdir(), `chatgate-storm-${process.pid}-${Date.now()}.sqlite`);
  const env = {
    DATABASE_URL: `sqlite:${file}`,
    ADMIN_TOKEN,
    LOBBY_RATE_MESSAGES: '100000',
    // One address for all 5,000: its per-address caps are not what this test is about.
    MAX_SOCKETS_PER_IP: '100000',
    LOBBY_PENDING_SESSIONS_PER_IP: '100000',
    // Shorter than the storm takes: a socket waiting in the auth queue must outlast it.
    AUTH_DEADLINE_MS: '2000',
  };
  let server: ServerProcess | undefined;
  afterAll(async () => {
    if (server) await killed(server.child, 'SIGKILL');
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  });

  it(`answers ${SOCKETS} re-authenticating sockets from one history read`, { timeout: 90_000 }, async () => {
    server = await spawnServer(env);
    const api = new Api(server.url);
    const appId = await api.createApp();
    const user = await api.createUser(uniqueUname('talker'));
    const talker = await LobbyClient.join(server.url, appId, user.hashedToken);
    for (let i = 0; i < 260; i++) expect(await talker.say(`message ${i}`)).toEqual([]);
    const posted = (await talker.waitFor('new_message', 260)) as { id: number }[];
    talker.close();
    // The sockets held everything up to the 250th message; 10 came after.
    const since = posted[249].id;
    const missed = posted.slice(250);

    await killed(server.child, 'SIGTERM');
    server = await spawnServer(env);
    const control = keepChecking(server.url, `/api/apps/${appId}`, STORM_CONTROL_DEADLINE_MS);
    const report = await storm({
      url: server.url,
      appId,
      since,
      count: SOCKETS,
      spreadMs: 1000,
      timeoutMs: ALL_BACK_WITHIN_MS,
    });
    const { checks, failures, slowestMs } = await control.stop();

    expect({ failed: report.failed, failures: report.failures }).toEqual({ failed: 0, failures: [] });
    expect(report.replies).toEqual([
      [
        JSON.stringify({ users: {}, history: missed, muteList: {}, slowMode: 0, recovered: true, deleted: [] }),
        SOCKETS,
      ],
    ]);
    expect(report.allBackMs).toBeLessThan(ALL_BACK_WITHIN_MS);
    const reads = (kind: string) =>
      metricValue(server!.url, 'chatgate_history_reads_total', { protocol: 'lobby', kind });
    expect({
      recent: await reads('recent'),
      catchUp: await reads('catch_up'),
      deletions: await reads('deletions'),
    }).toEqual({
      recent: 1,
      catchUp: 0,
      deletions: 1,
    });
    expect(failures).toEqual([]);
    expect(checks).toBeGreaterThan(0);
    console.log(
      `storm: ${SOCKETS} sockets back in ${Math.round(report.allBackMs)} ms; ${checks} control reads, slowest ${Math.round(slowestMs)} ms`,
    );
  });
});
