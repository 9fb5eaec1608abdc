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
