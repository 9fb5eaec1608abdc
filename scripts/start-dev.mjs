// `npm run start:dev`: `nest start --watch` (recompile on change, restart the server), stopped as a whole.
// npm hands SIGTERM to its child only, and the Nest CLI dies on it without stopping the server it started, which
// kept answering. So the CLI runs in a process group of its own, and a signal here ends that whole group.
import { spawn } from 'node:child_process';

const nest = spawn('nest', ['start', '--watch'], { stdio: 'inherit', detached: true, shell: false });
const stop = (signal) => {
  try {
    process.kill(-nest.pid, signal);
  } catch {
    // The group is already gone.
  }
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(signal));
nest.on('exit', (code, signal) => {
  stop('SIGTERM');
  process.exit(code ?? (signal ? 1 : 0));
});
