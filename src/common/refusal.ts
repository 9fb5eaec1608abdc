/**
 * The one vocabulary for "no" in Chatgate. Domain services and protocol parsers throw a Refusal with a code;
 * every transport translates codes into its own words at its edge: HTTP statuses in the REST API (through
 * `httpStatus`, a default each code carries), `client_error`/`system_message`/ack strings in the lobby, error
 * codes in the seller chat. Anything thrown that is not a Refusal is a fault: logged by name and message, and
 * answered as the protocol's internal error.
 */
export class Refusal<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string = code,
    /** What the REST API answers when this refusal reaches it. */
    readonly httpStatus = 400,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends Refusal<'not_found'> {
  constructor(message: string) {
    super('not_found', message, 404);
  }
}

export class ConflictError extends Refusal<'conflict'> {
  constructor(message: string) {
    super('conflict', message, 409);
  }
}

/** Input that breaks a rule; `details` lists each broken rule (a DTO's validation messages, say). */
export class InvalidInputError extends Refusal<'invalid_input'> {
  constructor(
    message: string,
    readonly details: string[] = [message],
  ) {
    super('invalid_input', message, 400);
  }
}

/** A connection asked for more concurrent work than its bound allows (see SerialQueue). */
export class OverloadedError extends Refusal<'overloaded'> {
  constructor(message: string) {
    super('overloaded', message, 429);
  }
}

/** Error name and message only, for logs: stacks and driver errors may carry query parameters (tokens, texts). */
export function describeFault(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * The database could not take a write: the row was refused, the write lock was not granted in time, or the storage
 * is not ready. The writer logs it (rate-limited, never per row), so transports answer their internal error without
 * logging again; REST answers 503.
 */
export class StorageUnavailableError extends Refusal<'internal_error'> {
  constructor(message: string) {
    super('internal_error', message, 503);
  }
}
