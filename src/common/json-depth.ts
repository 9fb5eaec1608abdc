import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { InvalidInputError } from './refusal.js';

/**
 * Whether a parsed JSON value nests deeper than `max` arrays/objects. Iterative, so a hostile 40,000-level body
 * is measured without the stack overflow it would cause in anything recursive downstream (validation,
 * class-transformer, JSON.stringify of an echoed frame). Every seller-chat frame passes here, so it walks with two
 * stacks kept between calls (it never yields, so calls cannot overlap) and `for…in`, instead of a tuple per value
 * and an array of values per object.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  if (!isNested(value)) return false;
  pending.push(value);
  depths.push(1);
  try {
    while (pending.length > 0) {
      const current = pending.pop() as object;
      const depth = depths.pop() as number;
      if (depth > max) return true;
      if (Array.isArray(current)) {
        for (const child of current as unknown[]) visit(child, depth + 1);
      } else {
        for (const key in current) if (Object.hasOwn(current, key)) visit((current as Fields)[key], depth + 1);
      }
    }
    return false;
  } finally {
    pending.length = 0;
    depths.length = 0;
  }
}

type Fields = Record<string, unknown>;

const pending: object[] = [];
const depths: number[] = [];

function visit(child: unknown, depth: number): void {
  if (!isNested(child)) return;
  pending.push(child);
  depths.push(depth);
}

function isNested(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
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
