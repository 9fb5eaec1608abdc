import pg from 'pg';

/**
 * pg's Client, closed after a query times out (POSTGRES_QUERY_TIMEOUT_MS). pg reports the timeout but keeps the
 * connection, and the pool would hand it out again: its late answers would be read as the next query's, and a
 * transaction it had begun would stay open, so the next user's COMMIT could commit rows already answered as failed.
 * Closing it ends that transaction on the server (a rollback) and makes the pool drop it.
 */
export class ClosingOnTimeoutClient extends pg.Client {
  override query(...args: unknown[]): never {
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise) result.catch((error: unknown) => this.closeAfter(error));
    return result as never;
  }

  private closeAfter(error: unknown): void {
    if (error instanceof Error && error.message === 'Query read timeout') this.end().catch(() => {});
  }
}
