import type { Logger } from '@nestjs/common';

/**
 * At most one error line per interval; what was held back is counted into the next line. A fault that repeats for
 * every write (one member sending rows the database refuses, a disk that stays full) then costs a line a second,
 * not one per request.
 */
export class RateLimitedLog {
  private lastAt = -Infinity;
  private heldBack = 0;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 1000,
  ) {}

  error(line: string): void {
    const now = Date.now();
    if (now - this.lastAt < this.intervalMs) {
      this.heldBack += 1;
      return;
    }
    const suffix = this.heldBack ? ` (${this.heldBack} similar line${this.heldBack === 1 ? '' : 's'} held back)` : '';
    this.logger.error(line + suffix);
    this.lastAt = now;
    this.heldBack = 0;
  }
}
