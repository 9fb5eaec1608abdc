import type { TestServer } from './server.js';
import type { SimulatedCluster } from './simulated-cluster.js';

/**
 * One sample of a counter or gauge from a server's /metrics, by name and exact labels (in the order the server
 * writes them); 0 when absent (a labelled counter appears only once counted).
 */
export async function metricValue(
  url: string,
  name: string,
  labels: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers })).text();
  const selector = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(',');
  const prefix = selector ? `${name}{${selector}} ` : `${name} `;
  const line = text.split('\n').find((candidate) => candidate.startsWith(prefix));
  return line === undefined ? 0 : Number(line.slice(prefix.length));
}

/**
 * The connections of `protocol` a server holds, over all its instances (two under TEST_CLUSTER). A connection is
 * counted until the server has handled its close (its gateway's disconnect handler has run): waiting for the count
 * to drop is waiting for that.
 */
export async function openConnections(server: TestServer, protocol: string): Promise<number> {
  const instances = (server as Partial<SimulatedCluster>).instances ?? [server];
  const counts = await Promise.all(
    instances.map((instance) => metricValue(instance.url, 'chatgate_connections', { protocol })),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}
