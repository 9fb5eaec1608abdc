import { type ArgumentMetadata, type ValidationError, ValidationPipe } from '@nestjs/common';
import { InvalidInputError } from './refusal.js';

/**
 * Nest's ValidationPipe for bodies, queries and socket payloads: unknown fields refused, values converted to their
 * declared types, every broken rule reported in a Refusal, so each transport words it (400 with every message over
 * HTTP, the protocol's error on sockets). Path parameters are left to their own pipes (ParseRowIdPipe): converted
 * here first, `1e3` or `0x1` would reach them as the numbers 1000 and 1.
 */
export class InputValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => {
        const details = errors.flatMap(brokenRules);
        return new InvalidInputError(details.join('; ') || 'invalid input', details);
      },
    });
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    return metadata.type === 'param' ? Promise.resolve(value) : super.transform(value, metadata);
  }
}

function brokenRules(error: ValidationError): string[] {
  return [...Object.values(error.constraints ?? {}), ...(error.children ?? []).flatMap(brokenRules)];
}
