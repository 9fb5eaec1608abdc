import { type ArgumentsHost, Catch, type ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '../common/domain-errors.js';

const STATUS: Record<DomainError['kind'], { status: number; error: string }> = {
  not_found: { status: HttpStatus.NOT_FOUND, error: 'Not Found' },
  conflict: { status: HttpStatus.CONFLICT, error: 'Conflict' },
  invalid: { status: HttpStatus.BAD_REQUEST, error: 'Bad Request' },
};

/** Domain errors as HTTP answers, in the same JSON shape as Nest's own errors. */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): void {
    const { status, error: label } = STATUS[error.kind];
    host.switchToHttp().getResponse<Response>().status(status).json({ statusCode: status, error: label, message: error.message });
  }
}
