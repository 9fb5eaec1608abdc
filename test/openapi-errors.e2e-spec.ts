import { DataSource } from 'typeorm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, uniqueUname } from './support/server.js';
import { useTestServer } from './support/suite.js';

/** One request: a path, and a body sent as JSON (an object) or as text of the given type. */
interface Attempt {
  path: string;
  body?: object | string;
  type?: string;
}

/**
 * How to provoke each error a route may declare (a 400 once for each kind of input the route checks). `reaches` is
 * well-formed input the route acts on: answered 401 without the token, and 500 once the database is gone. A missing
 * row is id 99999 (nothing creates that many here).
 */
type Provocations = { reaches: Attempt } & Partial<Record<400 | 404 | 409 | 413 | 415, Attempt | Attempt[]>>;

const taken = uniqueUname('taken');
const notJson = (path: string): Attempt => ({ path, body: 'name=x', type: 'text/plain' });
/** One byte over 100 kB of JSON. */
const tooLarge = (path: string): Attempt => ({ path, body: `"${'x'.repeat(102_400 - 1)}"`, type: 'application/json' });

const ROUTES: Record<string, Provocations> = {
  'POST /api/apps': {
    reaches: { path: '/api/apps', body: { name: 'Lobby', owners: [] } },
    400: [
      { path: '/api/apps', body: { name: 'Lobby', owners: [], colour: 'red' } },
      { path: '/api/apps', body: '{"name": ', type: 'application/json' },
    ],
    413: tooLarge('/api/apps'),
    415: notJson('/api/apps'),
  },
  'GET /api/apps': { reaches: { path: '/api/apps' }, 400: { path: '/api/apps?limit=0' } },
  'GET /api/apps/{id}': {
    reaches: { path: '/api/apps/1' },
    400: { path: '/api/apps/99999999999999999999' },
    404: { path: '/api/apps/99999' },
  },
  'PATCH /api/apps/{id}': {
    reaches: { path: '/api/apps/1', body: { name: 'Renamed' } },
    400: [
      { path: '/api/apps/0', body: { name: 'Renamed' } },
      { path: '/api/apps/1', body: { name: 7 } },
    ],
    404: { path: '/api/apps/99999', body: { name: 'Renamed' } },
    413: tooLarge('/api/apps/1'),
    415: notJson('/api/apps/1'),
  },
  'DELETE /api/apps/{id}': {
    reaches: { path: '/api/apps/1' },
    400: [{ path: '/api/apps/99999999999999999999' }, { path: '/api/apps/99999', body: { messages: 'keep' } }],
    404: { path: '/api/apps/99999' },
    413: tooLarge('/api/apps/99999'),
    415: notJson('/api/apps/99999'),
  },
  'GET /api/apps/{id}/moderation': {
    reaches: { path: '/api/apps/1/moderation' },
    400: [{ path: '/api/apps/1/moderation?after=-1' }, { path: '/api/apps/abc/moderation' }],
    404: { path: '/api/apps/99999/moderation' },
  },
  'GET /api/apps/{id}/messages': {
    reaches: { path: '/api/apps/1/messages' },
    400: [{ path: '/api/apps/1/messages?limit=501' }, { path: '/api/apps/-5/messages' }],
    404: { path: '/api/apps/99999/messages' },
  },
  'DELETE /api/apps/{id}/messages/{messageId}': {
    reaches: { path: '/api/apps/1/messages/1' },
    400: [
      { path: '/api/apps/1/messages/0' },
      { path: '/api/apps/2147483648/messages/1' },
      { path: '/api/apps/99999/messages/1', body: { reason: 'spam' } },
    ],
    404: { path: '/api/apps/99999/messages/1' },
    413: tooLarge('/api/apps/99999/messages/1'),
    415: notJson('/api/apps/99999/messages/1'),
  },
  'POST /api/users': {
    reaches: { path: '/api/users', body: { uname: uniqueUname('new') } },
    400: { path: '/api/users', body: { uname: 'no spaces allowed' } },
    409: { path: '/api/users', body: { uname: taken.toUpperCase() } },
    413: tooLarge('/api/users'),
    415: notJson('/api/users'),
  },
  'GET /api/users': { reaches: { path: '/api/users' }, 400: { path: '/api/users?limit=x' } },
  'GET /api/users/{uname}': { reaches: { path: `/api/users/${taken}` }, 404: { path: '/api/users/nobody' } },
  'PATCH /api/users/{uname}': {
    reaches: { path: `/api/users/${taken}`, body: { role: 'mod' } },
    400: { path: `/api/users/${taken}`, body: { role: 'owner' } },
    404: { path: '/api/users/nobody', body: { role: 'mod' } },
    413: tooLarge(`/api/users/${taken}`),
    415: notJson(`/api/users/${taken}`),
  },
  'DELETE /api/users/{uname}': {
    reaches: { path: `/api/users/${taken}` },
    400: { path: '/api/users/nobody', body: { keepMessages: true } },
    404: { path: '/api/users/nobody' },
    413: tooLarge('/api/users/nobody'),
    415: notJson('/api/users/nobody'),
  },
  'POST /api/users/{uname}/tokens': {
    reaches: { path: `/api/users/${taken}/tokens` },
    400: { path: `/api/users/${taken}/tokens`, body: { expires: 60 } },
    404: { path: '/api/users/nobody/tokens' },
    413: tooLarge(`/api/users/${taken}/tokens`),
    415: notJson(`/api/users/${taken}/tokens`),
  },
  'DELETE /api/users/{uname}/tokens': {
    reaches: { path: `/api/users/${taken}/tokens` },
    400: { path: '/api/users/nobody/tokens', body: { all: true } },
    404: { path: '/api/users/nobody/tokens' },
    413: tooLarge('/api/users/nobody/tokens'),
    415: notJson('/api/users/nobody/tokens'),
  },
  'DELETE /api/users/{uname}/tokens/{hashedToken}': {
    reaches: { path: `/api/users/${taken}/tokens/abc` },
    400: { path: '/api/users/nobody/tokens/abc', body: { all: true } },
    404: { path: '/api/users/nobody/tokens/abc' },
    413: tooLarge('/api/users/nobody/tokens/abc'),
    415: notJson('/api/users/nobody/tokens/abc'),
  },
  'POST /api/sellers': {
    reaches: { path: '/api/sellers', body: { name: 'Shop' } },
    400: { path: '/api/sellers', body: { name: '' } },
    413: tooLarge('/api/sellers'),
    415: notJson('/api/sellers'),
  },
  'GET /api/sellers': { reaches: { path: '/api/sellers' }, 400: { path: '/api/sellers?after=-1' } },
  'GET /api/sellers/{id}': {
    reaches: { path: '/api/sellers/1' },
    400: { path: '/api/sellers/1.5' },
    404: { path: '/api/sellers/99999' },
  },
  'PATCH /api/sellers/{id}': {
    reaches: { path: '/api/sellers/1', body: { offlineMessages: true } },
    400: [
      { path: '/api/sellers/0.5', body: { offlineMessages: true } },
      { path: '/api/sellers/1', body: { offlineMessages: 'yes' } },
    ],
    404: { path: '/api/sellers/99999', body: { offlineMessages: true } },
    413: tooLarge('/api/sellers/1'),
    415: notJson('/api/sellers/1'),
  },
  'DELETE /api/sellers/{id}': {
    reaches: { path: '/api/sellers/1' },
    400: [{ path: '/api/sellers/2147483648' }, { path: '/api/sellers/99999', body: { force: true } }],
    404: { path: '/api/sellers/99999' },
    413: tooLarge('/api/sellers/99999'),
    415: notJson('/api/sellers/99999'),
  },
  'POST /api/sellers/{id}/tokens': {
    reaches: { path: '/api/sellers/1/tokens' },
    400: [{ path: '/api/sellers/1/tokens', body: { name: 'x' } }, { path: '/api/sellers/one/tokens' }],
    404: { path: '/api/sellers/99999/tokens' },
    413: tooLarge('/api/sellers/1/tokens'),
    415: notJson('/api/sellers/1/tokens'),
  },
  'GET /api/sellers/{id}/chats': {
    reaches: { path: '/api/sellers/1/chats' },
    400: { path: '/api/sellers/-1/chats' },
    404: { path: '/api/sellers/99999/chats' },
  },
  'GET /api/sellers/{id}/chats/{chatId}/messages': {
    reaches: { path: '/api/sellers/1/chats/1/messages' },
    400: [{ path: '/api/sellers/1/chats/x/messages' }, { path: '/api/sellers/0/chats/1/messages' }],
    404: { path: '/api/sellers/99999/chats/1/messages' },
  },
  'POST /api/webhooks': {
    reaches: { path: '/api/webhooks', body: { url: 'http://127.0.0.1:9/hooks' } },
    400: [
      { path: '/api/webhooks', body: { url: 'ftp://127.0.0.1/hooks' } },
      { path: '/api/webhooks', body: { url: 'http://127.0.0.1:9/hooks', appId: 0 } },
    ],
    413: tooLarge('/api/webhooks'),
    415: notJson('/api/webhooks'),
  },
  'GET /api/webhooks': { reaches: { path: '/api/webhooks' } },
  'GET /api/webhooks/{id}': {
    reaches: { path: '/api/webhooks/1' },
    400: { path: '/api/webhooks/2147483648' },
    404: { path: '/api/webhooks/99999' },
  },
  'DELETE /api/webhooks/{id}': {
    reaches: { path: '/api/webhooks/1' },
    400: [{ path: '/api/webhooks/0' }, { path: '/api/webhooks/99999', body: { purge: true } }],
    404: { path: '/api/webhooks/99999' },
    413: tooLarge('/api/webhooks/99999'),
    415: notJson('/api/webhooks/99999'),
  },
  'GET /api/webhooks/{id}/deliveries': {
    reaches: { path: '/api/webhooks/1/deliveries' },
    400: [{ path: '/api/webhooks/1/deliveries?limit=1.5' }, { path: '/api/webhooks/0/deliveries' }],
    404: { path: '/api/webhooks/99999/deliveries' },
  },
  'POST /api/webhooks/{id}/deliveries/{deliveryId}/retry': {
    reaches: { path: '/api/webhooks/1/deliveries/1/retry' },
    400: [
      { path: '/api/webhooks/1/deliveries/0/retry' },
      { path: '/api/webhooks/a/deliveries/1/retry' },
      { path: '/api/webhooks/1/deliveries/99999/retry', body: { now: true } },
    ],
    404: { path: '/api/webhooks/1/deliveries/99999/retry' },
    413: tooLarge('/api/webhooks/1/deliveries/99999/retry'),
    415: notJson('/api/webhooks/1/deliveries/99999/retry'),
  },
};

describe('the errors the OpenAPI document declares for each provisioning route', () => {
  // One instance: the database is taken from under it at the end.
  const suite = useTestServer({ WEBHOOK_ALLOW_PRIVATE: 'true' }, { singleInstance: true });
  /** Each route's declared error statuses, by "METHOD path". */
  let declared: Map<string, number[]>;

  beforeAll(async () => {
    const document = (await suite.api.as(null).get('/docs-json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    declared = new Map(
      Object.entries(document.paths)
        .filter(([path]) => path.startsWith('/api/'))
        .flatMap(([path, operations]) =>
          Object.entries(operations).map(([method, { responses }]): [string, number[]] => [
            `${method.toUpperCase()} ${path}`,
            Object.keys(responses)
              .map(Number)
              .filter((status) => status >= 400),
          ]),
        ),
    );
    expect((await suite.api.post('/api/users', { uname: taken })).status).toBe(201);
  });

  const send = async (method: string, { path, body, type }: Attempt, token: string | null = ADMIN_TOKEN) => {
    const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = type ?? 'application/json';
    const payload = typeof body === 'object' ? JSON.stringify(body) : body;
    const response = await fetch(suite.server.url + path, { method, headers, body: payload });
    return { status: response.status, body: (await response.json()) as { statusCode: number; message: unknown } };
  };

  it('has a way to provoke each declared status of each route, and declares every status provoked', () => {
    expect([...declared.keys()].sort()).toEqual(Object.keys(ROUTES).sort());
    for (const [route, statuses] of declared) {
      const provoked = [
        401,
        500,
        ...Object.keys(ROUTES[route])
          .filter((key) => key !== 'reaches')
          .map(Number),
      ];
      expect(statuses.sort(byNumber), route).toEqual(provoked.sort(byNumber));
    }
  });

  it('answers 401 to each route without the admin token', async () => {
    for (const [route, { reaches }] of Object.entries(ROUTES)) {
      const answer = await send(route.split(' ')[0], reaches, null);
      expect([answer.status, answer.body.statusCode], route).toEqual([401, 401]);
    }
  });

  it('answers each declared 4xx to the input the table gives for it', async () => {
    for (const [route, provocations] of Object.entries(ROUTES)) {
      for (const status of [400, 404, 409, 413, 415] as const) {
        for (const attempt of [provocations[status] ?? []].flat()) {
          const answer = await send(route.split(' ')[0], attempt);
          expect(
            [answer.status, answer.body.statusCode],
            `${route} ${attempt.path} ${JSON.stringify(answer.body)}`,
          ).toEqual([status, status]);
        }
      }
    }
  });

  it('answers 500 on every route once the database fails', async () => {
    await suite.server.app.get(DataSource).destroy();
    try {
      for (const [route, { reaches }] of Object.entries(ROUTES)) {
        const answer = await send(route.split(' ')[0], reaches);
        expect([answer.status, answer.body.message], route).toEqual([500, 'Internal server error']);
      }
    } finally {
      await suite.server.app.get(DataSource).initialize();
    }
  });
});

const byNumber = (a: number, b: number) => a - b;
