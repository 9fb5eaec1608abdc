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

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether JSON text nests deeper than `max` arrays/objects: what `nestsDeeperThan` tells of its parse, read off the
 * brackets outside strings, so a frame is measured before it is parsed and without allocating. Text that is not
 * JSON gets an answer too; its parse fails anyway.
 */
export function textNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

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
