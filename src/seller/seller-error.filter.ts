import { Injectable, Logger } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { describeFault, Refusal } from '../common/refusal.js';
import { Metrics } from '../operations/metrics.js';
import { AuthQueueFullError } from '../realtime/limits/auth-queue.js';

/** Refusals that a limit made (counted in chatgate_refusals_total). */
const LIMITS = new Set(['RATE_LIMITED', 'TOO_MANY_CONNECTIONS', 'TEXT_IS_TOO_LONG']);

/**
 * The seller chat's edge: errors as the AH Chat protocol words them, `{command, data, error}` echoing the
 * request. A protocol refusal sends its code; another refusal its code in capitals (say `INVALID_INPUT`); any other
 * failure is logged by name and message and answered INTERNAL_ERROR, so the client is not left waiting. The gateway
 * takes every command off Nest's per-frame path (SELLER_DIRECT_COMMANDS), so it calls this itself, for each failed
 * frame, where Nest would call an exception filter. (A connection with too many requests in flight is closed by the
 * connection core: sessions.ts.)
 */
@Injectable()
export class SellerErrorFilter {
  private readonly logger = new Logger('SellerGateway');

  constructor(private readonly metrics: Metrics) {}

  /** Answers a failed request. */
  answer(exception: unknown, socket: WebSocket, command: string, data: unknown): void {
    if (exception instanceof AuthQueueFullError) {
      // Closed rather than answered: the original client reconnects after any close and tries again (1013: try
      // again later), while an error frame would leave it waiting for an auth reply that never comes.
      this.metrics.refusals.inc({ protocol: 'seller', limit: exception.code });
      return socket.close(1013, 'too many connections signing in');
    }
    let error = 'INTERNAL_ERROR';
    if (exception instanceof Refusal) error = exception.code.toUpperCase();
    else this.logger.error(`${command} failed: ${describeFault(exception)}`);
    if (LIMITS.has(error)) this.metrics.refusals.inc({ protocol: 'seller', limit: error });
    if (command === 'auth') {
      this.metrics.authFailures.inc({ protocol: 'seller', reason: error });
      this.logger.log({ event: 'auth_failed', protocol: 'seller', reason: error, seller: sellerOf(data) });
    }
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ command, data: data ?? {}, error }));
  }
}

/** The seller an auth was for (its `id` or `sellerId`), for the log: never the token or the name. */
function sellerOf(data: unknown): number | undefined {
  const fields = (typeof data === 'object' && data !== null ? data : {}) as { id?: unknown; sellerId?: unknown };
  const id = Number(fields.id ?? fields.sellerId);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}
