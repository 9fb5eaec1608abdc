import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { describeFault, Refusal } from '../../common/refusal.js';

interface Emitter {
  emit(event: string, payload: unknown): unknown;
}

/**
 * For socket.io gateways that have no protocol of their own to answer in: Nest's `exception` event, with the
 * refusal's code and message (`{status: 'error', code: 'invalid_input', message}`), instead of the "Internal
 * server error" Nest sends for anything that is not a WsException. Faults are logged by name and message only.
 * The two chat protocols have their own edges (LobbyExceptionFilter, SellerErrorFilter).
 */
@Catch()
export class RefusalWsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Gateway');

  catch(exception: unknown, host: ArgumentsHost): void {
    const client = host.switchToWs().getClient<Emitter>();
    if (exception instanceof Refusal) {
      client.emit('exception', { status: 'error', code: exception.code, message: exception.message });
    } else if (exception instanceof WsException) {
      client.emit('exception', { status: 'error', message: exception.message });
    } else {
      this.logger.error(`${host.switchToWs().getPattern()} failed: ${describeFault(exception)}`);
      client.emit('exception', { status: 'error', message: 'Internal server error' });
    }
  }
}
