import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { InvalidInputError } from './refusal.js';

/**
 * Whether a parsed JSON value nests deeper than `max` arrays/objects. Iterative, so a hostile 40,000-level body
 * is measured without the stack overflow it would cause in anything recursive downstream (validation,
 * class-transformer, JSON.stringify of an echoed frame).
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Deep enough for any real request of either protocol or the REST API. */
export const MAX_JSON_DEPTH = 32;

/**
 * A global pipe before validation: a request body (REST) or message body (gateways) nested deeper than
 * MAX_JSON_DEPTH is refused as invalid input (HTTP 400) before class-transformer recurses into it.
 */
@Injectable()
export class JsonDepthPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'body' && nestsDeeperThan(value, MAX_JSON_DEPTH)) {
      throw new InvalidInputError(`body nested deeper than ${MAX_JSON_DEPTH} levels`);
    }
    return value;
  }
}
