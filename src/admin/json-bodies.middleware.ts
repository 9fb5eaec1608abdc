import { Injectable, type NestMiddleware, UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * The provisioning API reads JSON only. A body of any other type would otherwise reach the handlers as an empty
 * object (Express parses nothing it does not know) and be acted on as if the caller had sent no fields: 415.
 */
@Injectable()
export class JsonBodiesOnly implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    if (hasBody(req) && !req.is('application/json')) {
      throw new UnsupportedMediaTypeException('request bodies must be application/json');
    }
    next();
  }
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}
