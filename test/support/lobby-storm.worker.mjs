// A reconnect storm, off the test's own thread (test/recovery-storm.e2e-spec.ts) so that thread stays free to time
// the control connection: `count` lobby sockets connect within `spreadMs` (evenly; socket.io clients reconnect after
// a randomised delay of 0.5 to 1.5 s, so a restart brings them back over about a second), each sends `auth` with
// `since`, and the answers are summed up. Plain JavaScript: a worker runs it as it is.
import { parentPort, workerData } from 'node:worker_threads';
import { io } from 'socket.io-client';

const { url, appId, since, count, spreadMs, timeoutMs } = workerData;
const started = performance.now();
const replies = new Map(); // the reply's room, as JSON, to how many sockets got it
const failures = [];
let slowestMs = 0;
const sockets = [];

await Promise.all(
  Array.from({ length: count }, async (_, i) => {
    await new Promise((resolve) => setTimeout(resolve, (i * spreadMs) / count));
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: timeoutMs });
    sockets.push(socket);
    try {
      await new Promise((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      const [error, data] = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no auth reply')), timeoutMs);
        socket.emit('auth', { app_id: appId, since }, (...answer) => {
          clearTimeout(timer);
          resolve(answer);
        });
      });
      if (error !== null) throw new Error(`auth answered ${JSON.stringify(error)}`);
      slowestMs = Math.max(slowestMs, performance.now() - started);
      const room = JSON.stringify(data.room);
      replies.set(room, (replies.get(room) ?? 0) + 1);
    } catch (error) {
      failures.push(String(error));
    }
  }),
);
const allBackMs = performance.now() - started;
sockets.forEach((socket) => socket.disconnect());
parentPort.postMessage({
  replies: [...replies],
  failures: failures.slice(0, 10),
  failed: failures.length,
  slowestMs,
  allBackMs,
});
