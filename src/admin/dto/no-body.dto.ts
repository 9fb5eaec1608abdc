/**
 * The body of a request that takes none (issuing a token): any field in it is refused as unknown, rather than
 * ignored, so a caller who meant to pass something learns it was not read.
 */
export class NoBody {}
