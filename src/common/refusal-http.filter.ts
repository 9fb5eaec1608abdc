import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';
import { InvalidInputError, Refusal } from './refusal.js';

/**
 * Refusals as HTTP answers, in the JSON shape of Nest's own errors (`{statusCode, error, message}`), so a
 * refusal thrown by a service and one thrown by Nest look alike to the site's backend. A validation refusal
 * lists every broken rule in `message`, as Nest's ValidationPipe does.
 */
@Catch(Refusal)
export class RefusalHttpFilter implements ExceptionFilter {
  catch(refusal: Refusal, host: ArgumentsHost): void {
    const statusCode = refusal.httpStatus;
    const message = refusal instanceof InvalidInputError && refusal.details.length > 1 ? refusal.details : refusal.message;
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(statusCode)
      .json({ statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message });
  }
}
