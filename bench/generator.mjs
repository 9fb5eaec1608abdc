// The run's side of the load generator: forks bench/load.mjs (pinned to core 1 where taskset exists) and calls its
// operations over IPC.
import { fork, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { children } from './cleanup.mjs';
import { HAS_TASKSET, ROOT } from './config.mjs';

export class Generator {
  constructor() {
    this.proc = fork(join(ROOT, 'bench/load.mjs'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // A 64 MB young generation: with Node's default, the generator's own scavenges and promotions of what
      // 20k+ frames/s leave behind added tens of milliseconds to every server's measured latencies.
      execArgv: ['--max-old-space-size=4096', '--max-semi-space-size=64'],
    });
    children.add(this.proc);
    if (HAS_TASKSET) spawnSync('taskset', ['-pc', '1', String(this.proc.pid)], { stdio: 'ignore' });
    this.seq = 0;
    this.pending = new Map();
    this.proc.on('message', ({ id, result, error }) => {
      const p = this.pending.get(id);
      this.pending.delete(id);
      if (error) p?.reject(new Error(`load generator: ${error}`));
      else p?.resolve(result);
    });
    this.proc.on('exit', (code) => {
      children.delete(this.proc);
      for (const p of this.pending.values()) p.reject(new Error(`load generator exited (${code})`));
    });
  }
  call(op, args) {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.proc.send({ id, op, args });
    });
  }
  stop() {
    this.proc.kill('SIGTERM');
  }
}

/** Forks a generator, starts a server with `start()`, returns `body(server, gen)`; stops both whatever happens. */
export function withGenerator(start, body) {
  return withServers([start], ([{ server, gen }]) => body(server, gen));
}

/**
 * withGenerator for several servers running side by side, each with a generator of its own: returns
 * `body([{ server, gen }, …])`, in the order of `starts`; stops them all whatever happens.
 */
export async function withServers(starts, body) {
  const lanes = [];
  try {
    for (const start of starts) {
      const gen = new Generator();
      lanes.push({ gen, server: null });
      lanes[lanes.length - 1].server = await start();
    }
    return await body(lanes);
  } finally {
    for (const { gen, server } of lanes) {
      gen.stop();
      await server?.stop();
    }
  }
}
