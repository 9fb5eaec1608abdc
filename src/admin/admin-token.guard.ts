import { type CanActivate, type ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ConfigType } from '@nestjs/config';
import type { Request } from 'express';
import { adminSettings } from '../config/areas/admin.settings.js';

/** Every provisioning route needs `Authorization: Bearer $ADMIN_TOKEN`; without ADMIN_TOKEN the API is closed. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(@Inject(adminSettings.KEY) admin: ConfigType<typeof adminSettings>) {
    this.expected = admin.token === null ? null : digest(admin.token);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === null) {
      throw new UnauthorizedException('The provisioning API is closed: start the server with ADMIN_TOKEN set');
    }
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    // Comparing digests keeps the comparison constant-time whatever the presented length.
    if (!match || !timingSafeEqual(digest(match[1]), this.expected)) {
      throw new UnauthorizedException('Missing or wrong bearer token');
    }
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
