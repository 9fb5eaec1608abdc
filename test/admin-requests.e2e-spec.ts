import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, uniqueUname } from './support/server.js';
import { useTestServer } from './support/suite.js';

/** A request with a raw body, as a misconfigured site backend would send it. */
async function send(url: string, method: string, body: string, contentType: string) {
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': contentType };
  const response = await fetch(url, { method, headers, body });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('what the provisioning API reads', () => {
  const suite = useTestServer();

  it.each([
    ['text/plain', '{"name":"Dice","owners":["olga"]}'],
    ['application/x-www-form-urlencoded', 'name=Dice'],
    ['application/xml', '<app><name>Dice</name></app>'],
  ])('answers a %s body 415, creating nothing', async (contentType, body) => {
    const before = (await suite.api.get('/api/apps')).body.length;
    expect(await send(`${suite.server.url}/api/apps`, 'POST', body, contentType)).toEqual({
      status: 415,
      body: { statusCode: 415, error: 'Unsupported Media Type', message: 'request bodies must be application/json' },
    });
    expect((await suite.api.get('/api/apps')).body).toHaveLength(before);
  });

  it('reads a JSON body with a charset', async () => {
    const created = await send(
      `${suite.server.url}/api/apps`,
      'POST',
      '{"name":"Dice","owners":["olga"]}',
      'application/json; charset=utf-8',
    );
    expect(created).toMatchObject({ status: 201, body: { name: 'Dice', owners: ['olga'] } });
  });

  it('refuses fields on a request that takes no body, naming them, and issues nothing', async () => {
    const user = await suite.api.createUser(uniqueUname('holder'));
    const seller = (await suite.api.post('/api/sellers', { name: 'Shop' })).body as { id: number };
    for (const path of [`/api/users/${user.uname}/tokens`, `/api/sellers/${seller.id}/tokens`]) {
      expect(await suite.api.post(path, { expiresIn: 60 })).toEqual({
        status: 400,
        body: { statusCode: 400, error: 'Bad Request', message: 'property expiresIn should not exist' },
      });
      expect((await suite.api.post(path)).status).toBe(201);
      expect((await suite.api.post(path, {})).status).toBe(201);
    }
  });

  it.each([
    ['/api/apps/99999999999999999999', 'id'],
    ['/api/apps/0', 'id'],
    ['/api/apps/-1', 'id'],
    ['/api/apps/1.5', 'id'],
    ['/api/apps/abc', 'id'],
    ['/api/apps/1e3', 'id'],
    ['/api/apps/0x1', 'id'],
    ['/api/apps/+1', 'id'],
    ['/api/apps/1.0', 'id'],
    ['/api/sellers/2147483648', 'id'],
    ['/api/sellers/1/chats/2147483648/messages', 'chatId'],
  ])('answers %s 400, naming the id that cannot be one', async (path, name) => {
    expect(await suite.api.get(path)).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: `${name} must be a whole number from 1 to 2147483647` },
    });
  });

  it('still answers an id no row has 404', async () => {
    expect((await suite.api.get('/api/apps/2147483647')).status).toBe(404);
  });
});
