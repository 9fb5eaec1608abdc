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
});
