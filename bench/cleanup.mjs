// What the run must undo on success, failure and Ctrl-C: the processes it started, its temp folders, and the cleanups
// a scenario registers while it holds something outside this machine's processes (a PostgreSQL database, Redis keys).
import { rmSync } from 'node:fs';
import { log } from './config.mjs';

export const children = new Set();
export const tmpDirs = new Set();
const cleanups = [];

/** Runs `cleanup` if the run is interrupted; the returned function unregisters it (the scenario then runs it). */
export function onInterrupt(cleanup) {
  cleanups.push(cleanup);
  return () => cleanups.splice(cleanups.indexOf(cleanup), 1);
}

export function stopAll() {
  for (const c of children) {
    try {
      process.kill(c.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  children.clear();
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
}
process.on('exit', stopAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, async () => {
    log(`${sig}: stopping everything`);
    stopAll();
    for (const f of cleanups.splice(0)) await f().catch(() => {});
    process.exit(130);
  });
}
