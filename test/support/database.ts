import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Where a test app keeps its data. With TEST_POSTGRES_URL set (an admin connection to a PostgreSQL server),
 * every call creates a fresh database on that server and drops it afterwards; otherwise SQLite in memory.
 */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function freshDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_POSTGRES_URL;
  if (!adminUrl) return { url: 'sqlite::memory:', drop: async () => {} };

  const name = `chatgate_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

export function usingPostgres(): boolean {
  return Boolean(process.env.TEST_POSTGRES_URL);
}

async function withAdmin(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
