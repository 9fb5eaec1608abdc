import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { describeFault, OverloadedError, Refusal } from '../common/refusal.js';

/**
 * The seller chat's edge: errors as the AH Chat protocol words them, `{command, data, error}` echoing the
 * request. A protocol refusal sends its code; another refusal its code in capitals (say `INVALID_INPUT`, from a
 * validation pipe); a connection with too many requests in flight is closed (1008) rather than answered; any
 * other failure is logged by name and message and answered INTERNAL_ERROR, so the client is not left waiting.
 */
@Catch()
export class SellerErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('SellerGateway');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    const socket = ws.getClient<WebSocket>();
    const command = ws.getPattern();
    if (exception instanceof OverloadedError) {
      this.logger.warn('closing a seller-chat connection with too many requests in flight');
      return socket.close(1008, 'too many requests in flight');
    }
    let error = 'INTERNAL_ERROR';
    if (exception instanceof Refusal) error = exception.code.toUpperCase();
    else this.logger.error(`${command} failed: ${describeFault(exception)}`);
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ command, data: ws.getData() ?? {}, error }));
  }
}
