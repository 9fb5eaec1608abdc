/**
 * What the connection core counts: the refusals its limits make, by the gateway's protocol name. `Metrics`
 * (operations/) provides it; it is declared here, not imported from there, because operations/ reads realtime/
 * (readiness) and the two folders must not import each other.
 */
export abstract class ConnectionMeter {
  abstract refused(protocol: string, limit: string): void;
}
