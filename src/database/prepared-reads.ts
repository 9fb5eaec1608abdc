import type { DataSource } from 'typeorm';
import { sqliteConnection } from './sqlite-writes.js';

/** One SQL statement's rows for its positional parameters. */
export type PreparedRead<Params extends unknown[], Row> = (...params: Params) => Promise<Row[]>;

/**
 * A statement for a read every sign-in or sign-out makes, where TypeORM's query builder cost about ten times the CPU
 * of the statement: prepared once on SQLite; on PostgreSQL sent as it is, its parameters `?` numbered `$1`, `$2`, …
 * (so `sql` has no other question mark).
 */
export function preparedRead<Params extends unknown[], Row>(
  dataSource: DataSource,
  sql: string,
): PreparedRead<Params, Row> {
  if (dataSource.options.type === 'better-sqlite3') {
    const statement = sqliteConnection(dataSource).prepare<Params, Row>(sql);
    return async (...params) => statement.all(...params);
  }
  let count = 0;
  const numbered = sql.replace(/\?/g, () => `$${++count}`);
  return (...params) => dataSource.query(numbered, params) as Promise<Row[]>;
}
