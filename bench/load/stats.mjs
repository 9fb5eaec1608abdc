// What the clients count while a step runs, reset at the start of each step, and latency summaries.
import { r2 } from '../round.mjs';

export const stats = {};
export function resetStats() {
  Object.assign(stats, {
    received: 0,
    closed: 0,
    acked: 0,
    errors: 0,
    errorSample: null,
    outstanding: 0,
    ackLatencies: [],
    probeLatencies: [],
  });
}
resetStats();

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function summary(latencies) {
  const s = Float64Array.from(latencies).sort();
  return {
    n: s.length,
    p50: r2(percentile(s, 50)),
    p99: r2(percentile(s, 99)),
    max: r2(s.length ? s[s.length - 1] : null),
  };
}
