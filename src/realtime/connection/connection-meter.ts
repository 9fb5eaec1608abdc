/**
 * What the connection core counts, by the gateway's protocol name: the refusals its limits make, and the open
 * connections (read when scraped). `Metrics`
 * (operations/) provides it; it is declared here, not imported from there, because operations/ reads realtime/
 * (readiness) and the two folders must not import each other.
 */
export abstract class ConnectionMeter {
  abstract refused(protocol: string, limit: string): void;
  abstract countConnections(protocol: string, count: () => number): void;
}
