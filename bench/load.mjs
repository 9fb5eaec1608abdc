// The load generator: a child process of bench/run.mjs (forked with IPC, pinned to core 1 where taskset exists).
// It holds the client sockets (bench/load/) and runs one operation per IPC request {id, op, args}, answering
// {id, result} or {id, error}. Lobby clients speak socket.io over a raw `ws` WebSocket to stay cheap
// (bench/load/sio-client.mjs); seller clients speak the AH Chat frames (bench/load/seller-client.mjs).
// Every loop is bounded by a count and a deadline; only 127.0.0.1 is contacted.
import { performance } from 'node:perf_hooks';
import { close, connect, interleave, tokenSpecs } from './load/groups.mjs';
import { closeLobbies, fanout, intakeStep, lobbyTraffic, sellerStep } from './load/steps.mjs';

const ops = { connect, fanout, intakeStep, sellerStep, lobbyTraffic, closeLobbies, interleave, close, tokenSpecs };

process.on('message', async ({ id, op, args }) => {
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await ops[op](args ?? {});
    // The generator's own share of its core over the operation: near 100 %, latencies include its queueing.
    const cpu = process.cpuUsage(cpu0);
    if (result && typeof result === 'object')
      result.generatorCpu = (cpu.user + cpu.system) / 1000 / (performance.now() - t0);
    process.send({ id, result });
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error) });
  }
});
process.on('disconnect', () => process.exit(0));
