import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Socket } from 'socket.io';
import { describeFault, Refusal, StorageUnavailableError } from '../common/refusal.js';
import { AuthQueueFullError } from '../realtime/limits/auth-queue.js';
import { lobbySettings } from '../config/areas/lobby.settings.js';
import { Metrics } from '../operations/metrics.js';
import { LobbyRefusal, type LobbyRefusalCode } from './lobby-errors.js';
import { type AckFn, INTERNAL_ERROR, type LobbyReply, replyToRefusal, sendReply } from './lobby-replies.js';

/** Refusals that a limit made (counted in chatgate_refusals_total). */
const LIMITS = new Set<LobbyRefusalCode>([
  'rate_limited',
  'auth_throttled',
  'too_many_connections',
  'origin_not_allowed',
]);

/**
 * The lobby's edge: whatever handling an event throws is answered in the Moneypot protocol's words. A lobby refusal
 * gets its own reply; another refusal a `client_error` with its message; a write the storage could not take is acked
 * `INTERNAL_ERROR` (its writer logged it); anything else is a fault, logged by name and message only, and acked
 * `INTERNAL_ERROR`. The gateway takes every event off Nest's per-event path (LOBBY_DIRECT_EVENTS), so it calls this
 * itself, for each failed event and disconnect, where Nest would call an exception filter.
 */
@Injectable()
export class LobbyExceptionFilter {
  private readonly logger = new Logger('LobbyGateway');

  constructor(
    @Inject(lobbySettings.KEY) private readonly config: ConfigType<typeof lobbySettings>,
    private readonly metrics: Metrics,
  ) {}

  /** Answers `exception`, thrown while handling `event`, to the socket that sent it. */
  answer(socket: Socket, ack: AckFn | undefined, exception: unknown, event: string): void {
    if (exception instanceof LobbyRefusal && LIMITS.has(exception.code)) {
      this.metrics.refusals.inc({ protocol: 'lobby', limit: exception.code });
    }
    if (event === 'auth') this.authFailed(socket, exception);
    sendReply(socket, ack, this.replyTo(exception, event));
    if (exception instanceof AuthQueueFullError) {
      // Answered like a store that could not be reached, then the transport closes: socket.io clients of every
      // generation reconnect by themselves after a transport close, and try again later.
      this.metrics.refusals.inc({ protocol: 'lobby', limit: exception.code });
      socket.conn.close();
    }
  }

  private authFailed(socket: Socket, exception: unknown): void {
    const reason = exception instanceof Refusal ? exception.code : 'internal_error';
    this.metrics.authFailures.inc({ protocol: 'lobby', reason });
    this.logger.log({ event: 'auth_failed', protocol: 'lobby', reason, connection: socket.id });
  }

  private replyTo(exception: unknown, event: string): LobbyReply {
    if (exception instanceof LobbyRefusal) return replyToRefusal(exception, this.config.messageMax);
    if (exception instanceof StorageUnavailableError || exception instanceof AuthQueueFullError) return INTERNAL_ERROR;
    if (exception instanceof Refusal) return { to: 'client_error', text: exception.message };
    this.logger.error(`${event} failed: ${describeFault(exception)}`);
    return INTERNAL_ERROR;
  }
}
