import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { SellerRefusal } from './seller-chat.types.js';

/**
 * Errors as the AH Chat protocol words them: `{command, data, error}` echoing the request. Anything that is not
 * a refusal (a failed write, say) is logged and answered INTERNAL_ERROR, so the client is not left waiting.
 */
@Catch()
export class SellerErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('SellerGateway');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    const socket = ws.getClient<WebSocket>();
    const command = ws.getPattern();
    let error = 'INTERNAL_ERROR';
    if (exception instanceof SellerRefusal) error = exception.code;
    else this.logger.error(`${command} failed: ${exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception)}`);
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify({ command, data: ws.getData() ?? {}, error }));
  }
}
