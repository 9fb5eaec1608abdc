import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { describeFault } from '../../common/refusal.js';
import { connectionSettings } from '../../config/areas/connections.settings.js';
import { Handshakes } from '../connection/handshake.js';
import type { ConnectionSession } from '../connection/session.js';
import { Sessions } from '../connection/sessions.js';
import { ClientAddresses } from '../limits/client-addresses.js';
import { SseClientTransport, type SseEvent } from './sse-client-transport.js';

/** What an SSE endpoint declares, as a raw-ws gateway does: its name (metrics, logs) and its heartbeat. */
export interface SseEndpoint {
  name: string;
  /** A comment line this often. Default 30 s. */
  heartbeatIntervalMs?: number;
}

/**
 * An admitted stream, before its response starts: refuse it (a lookup failed, say) or open it (null when the
 * client has gone meanwhile).
 */
export interface AdmittedStream {
  refuse(status: number, reason: string): void;
  open(): ConnectionSession<SseEvent> | null;
}

/**
 * Server-Sent-Events streams on the connection core, for a controller's `@Get` handler that takes the raw
 * request and response (`@Req()`, `@Res()`): the handshake checks every transport runs (origin, connection caps:
 * Handshakes), then a session of its own (Sessions) on an SseClientTransport, with the outgoing bound and a
 * heartbeat. A stream's connection slot is given back when its response closes.
 */
@Injectable()
export class SseStreams {
  private readonly logger = new Logger('Sse');

  constructor(
    private readonly handshakes: Handshakes,
    private readonly sessions: Sessions,
    private readonly addresses: ClientAddresses,
    @Inject(connectionSettings.KEY) private readonly connections: ConfigType<typeof connectionSettings>,
  ) {}

  /** Judges the request; null when refused (the response is answered with the refusal's status). */
  async admit(
    request: IncomingMessage,
    response: ServerResponse,
    endpoint: SseEndpoint,
  ): Promise<AdmittedStream | null> {
    let admission;
    try {
      admission = await this.handshakes.admit(request, { kind: 'sse', gateway: endpoint.name });
    } catch (error) {
      this.logger.error(`${endpoint.name}: handshake check failed: ${describeFault(error)}`);
      return refuse(response, 503, 'unavailable');
    }
    if (admission.refusal) return refuse(response, admission.refusal.status, admission.refusal.reason);
    if (response.destroyed) {
      admission.release();
      return null;
    }
    response.once('close', admission.release);
    return {
      refuse: (status, reason) => void refuse(response, status, reason),
      open: () => this.open(request, response, endpoint),
    };
  }

  private open(
    request: IncomingMessage,
    response: ServerResponse,
    endpoint: SseEndpoint,
  ): ConnectionSession<SseEvent> | null {
    if (response.destroyed) return null;
    const max = this.connections.outgoingBufferMaxBytes;
    const transport = new SseClientTransport(
      response,
      this.addresses.ofRequest(request),
      request.headers.origin,
      max,
      () => this.logger.warn(`${endpoint.name}: dropping a stream with over ${max} bytes unsent (it stopped reading)`),
    );
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      // nginx would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    transport.heartbeat();
    const heartbeat = setInterval(() => transport.heartbeat(), endpoint.heartbeatIntervalMs ?? 30_000);
    heartbeat.unref();
    transport.onClose(() => clearInterval(heartbeat));
    return this.sessions.open(response, endpoint.name, transport, { authenticated: true });
  }
}

function refuse(response: ServerResponse, status: number, reason: string): null {
  if (!response.headersSent && !response.destroyed) {
    response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(reason);
  }
  return null;
}
