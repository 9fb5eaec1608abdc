/**
 * Errors the domain services throw. Each transport translates them into its own words: HTTP statuses in
 * the provisioning API, protocol error codes and strings in the gateways.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: 'not_found' | 'conflict' | 'invalid';
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found';
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

export class InvalidInputError extends DomainError {
  readonly kind = 'invalid';
}
