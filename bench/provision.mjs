// Provisioning through Chatgate's REST API with the run's ADMIN_TOKEN, 8 requests in flight.
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN, log } from './config.mjs';

async function api(server, method, path, body) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(server.base + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.ok) return text ? JSON.parse(text) : null;
    if (attempt < 3 && res.status >= 500) {
      await sleep(200);
      continue;
    }
    throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
  }
}

/** `create(i)` for i in 0 … count-1, `concurrency` at a time; results in order. */
async function pool(count, concurrency, create) {
  const out = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await create(i);
      }
    }),
  );
  return out;
}

async function provision(what, count, create) {
  const t0 = Date.now();
  const out = await pool(count, 8, create);
  log(`provisioned ${count} ${what} in ${Date.now() - t0} ms`);
  return out;
}

/** `count` lobby users, each with one token → their hashed tokens. */
export const provisionUsers = (server, count) =>
  provision('users with tokens', count, async (i) => {
    const uname = `u${i}`;
    await api(server, 'POST', '/api/users', { uname });
    return (await api(server, 'POST', `/api/users/${uname}/tokens`)).hashed_token;
  });

export const provisionApps = (server, count) =>
  provision('apps', count, async (i) => (await api(server, 'POST', '/api/apps', { name: `bench${i}`, owners: [] })).id);

export const provisionSellers = (server, count) =>
  provision('sellers', count, (i) => api(server, 'POST', '/api/sellers', { name: `seller${i}` }));

/** One app and `users` users → `specsFor(k)`: auth payloads of k lobby sockets in that app, the users round robin. */
export async function provisionLobby(server, users) {
  const [appId] = await provisionApps(server, 1);
  const hashes = await provisionUsers(server, users);
  return (k) => Array.from({ length: k }, (_, i) => ({ app_id: appId, hashed_token: hashes[i % users] }));
}

/** Words every lobby of intake-features blocks: a realistic list that none of the bench's messages contains. */
const BLOCKED_WORDS = Array.from({ length: 50 }, (_, i) => `blocked${i}word`);

/**
 * What intake-features adds to its lobbies: a blocked-word list on each, and one webhook endpoint, served here,
 * that wants every lobby message. Returns the receiver: its `url`, and `drained(n, ms)`, which waits until it has had n
 * deliveries.
 */
export async function provisionFeatures(server, appIds) {
  await provision('word filters', appIds.length, (i) =>
    api(server, 'PATCH', `/api/apps/${appIds[i]}`, { blockedWords: BLOCKED_WORDS }),
  );
  let received = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${receiver.address().port}/hook`;
  await api(server, 'POST', '/api/webhooks', { url, events: ['lobby.message.created'] });
  return {
    url,
    async drained(expected, timeoutMs) {
      const t0 = Date.now();
      while (received < expected && Date.now() - t0 < timeoutMs) await sleep(200);
      return { received, afterMs: Date.now() - t0 };
    },
    close: () => new Promise((resolve) => receiver.close(resolve)),
  };
}
