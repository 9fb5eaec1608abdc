// The stores the bench creates, reads and removes besides Chatgate's own SQLite files: fresh PostgreSQL databases on
// BENCH_PG_URL, Redis keys under a fresh prefix on BENCH_REDIS_URL, and the `messages` row count of either database.
import { randomBytes } from 'node:crypto';
import { onInterrupt } from './cleanup.mjs';
import { PG_URL, REDIS_URL, log } from './config.mjs';

/** A new empty database → `{url, drop}`; dropped on Ctrl-C until `drop()` is called. */
export async function freshPostgres() {
  const pg = (await import('pg')).default;
  const name = `chatgate_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const drop = async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
    log(`dropped PostgreSQL database ${name}`);
  };
  const forget = onInterrupt(drop);
  log(`created PostgreSQL database ${name}`);
  return {
    url: url.toString(),
    drop: async () => {
      forget();
      await drop();
    },
  };
}

/** A fresh REDIS_KEY_PREFIX → `{prefix, removeKeys}`; its keys are removed on Ctrl-C until `removeKeys()` is called. */
export function freshRedisPrefix() {
  const prefix = `chatgate-bench-${randomBytes(4).toString('hex')}:`;
  const remove = async () => {
    const { Redis } = await import('ioredis');
    const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await r.connect();
    let cursor = '0';
    let removed = 0;
    for (let i = 0; i < 10000; i++) {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) removed += await r.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
    await r.quit();
    log(`removed ${removed} Redis keys under ${prefix}`);
  };
  const forget = onInterrupt(remove);
  return {
    prefix,
    removeKeys: async () => {
      forget();
      await remove();
    },
  };
}

export async function countMessages(database) {
  if (database.startsWith('sqlite:')) {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(database.slice('sqlite:'.length), { readonly: true });
    try {
      return db.prepare('SELECT COUNT(*) AS n FROM messages').get().n;
    } finally {
      db.close();
    }
  }
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: database });
  await c.connect();
  try {
    return Number((await c.query('SELECT COUNT(*) AS n FROM messages')).rows[0].n);
  } finally {
    await c.end();
  }
}
