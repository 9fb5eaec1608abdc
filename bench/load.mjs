// The load generator: a child process of bench/run.mjs (forked with IPC, pinned to core 1 where taskset exists).
// It holds the client sockets (bench/load/) and runs one operation per IPC request {id, op, args}, answering
// {id, result} or {id, error}. Lobby clients speak socket.io over a raw `ws` WebSocket to stay cheap
// (bench/load/sio-client.mjs); seller clients speak the AH Chat frames (bench/load/seller-client.mjs).
// Every loop is bounded by a count and a deadline; only 127.0.0.1 is contacted.
import { close, connect, interleave } from './load/groups.mjs';
import { fanout, intakeStep, sellerStep } from './load/steps.mjs';

const ops = { connect, fanout, intakeStep, sellerStep, interleave, close };

process.on('message', async ({ id, op, args }) => {
  try {
    const result = await ops[op](args ?? {});
    process.send({ id, result });
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error) });
  }
});
process.on('disconnect', () => process.exit(0));
