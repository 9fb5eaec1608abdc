import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { describeFault, InvalidInputError, Refusal } from './refusal.js';

/**
 * Every HTTP error, in the JSON shape of Nest's own (`{statusCode, error, message}`). A refusal answers its
 * status (a validation refusal lists every broken rule in `message`, as Nest's ValidationPipe does); Nest's own
 * HTTP exceptions keep their answers; anything else is a fault: 500, logged by name and message only, because
 * a database error's parameters and a stack may carry tokens, hashes or message texts.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    if (exception instanceof Refusal) {
      const message =
        exception instanceof InvalidInputError && exception.details.length > 1 ? exception.details : exception.message;
      return void response.status(exception.httpStatus).json(body(exception.httpStatus, message));
    }
    if (exception instanceof HttpException) {
      const answer = exception.getResponse();
      return void response
        .status(exception.getStatus())
        .json(typeof answer === 'string' ? body(exception.getStatus(), answer) : answer);
    }
    const request = http.getRequest<Request>();
    this.logger.error(`${request.method} ${request.route?.path ?? request.path} failed: ${describeFault(exception)}`);
    response.status(500).json(body(500, 'Internal server error'));
  }
}

function body(statusCode: number, message: string | string[]) {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}
