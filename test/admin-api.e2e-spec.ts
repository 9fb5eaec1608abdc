import { describe, expect, it } from 'vitest';
import { hashToken } from '../src/users/tokens.js';
import { LobbyClient } from './support/lobby-client.js';
import { startServer, uniqueUname } from './support/server.js';
import { useTestServer } from './support/suite.js';

/** An app's lobby settings until someone changes them (docs/moderation.md). */
const NO_MODERATION = { slowModeSeconds: 0, blockedWords: [], allowLinks: true };

describe('provisioning API', () => {
  const suite = useTestServer();

  it('refuses requests without the right bearer token', async () => {
    for (const api of [suite.api.as(null), suite.api.as('wrong-token-0123456789')]) {
      for (const [method, path] of [
        ['GET', '/api/apps'],
        ['POST', '/api/apps'],
        ['POST', '/api/users'],
        ['POST', '/api/users/x/tokens'],
        ['DELETE', '/api/apps/1/messages/1'],
      ]) {
        const res = await api.request(method, path, method === 'POST' ? {} : undefined);
        expect([method, path, res.status, res.body.message]).toEqual([
          method,
          path,
          401,
          'Missing or wrong bearer token',
        ]);
      }
    }
  });

  it('creates apps as the contract says', async () => {
    const res = await suite.api.post('/api/apps', { name: 'Dice', owners: ['olga'] });
    expect(res).toEqual({
      status: 201,
      body: { id: expect.any(Number), name: 'Dice', owners: ['olga'], mods: [], origins: [], ...NO_MODERATION },
    });
    const got = await suite.api.get(`/api/apps/${res.body.id}`);
    expect(got).toEqual({ status: 200, body: res.body });
  });

  it.each([
    [{ owners: [] }, 'name must be longer than or equal to 1 characters'],
    [{ name: 'x' }, 'owners must be an array'],
    [{ name: 'x', owners: ['bad name'] }, 'each uname must be 1-32 characters of A-Z, a-z, 0-9 and _'],
    [{ name: 'x', owners: [], extra: 1 }, 'property extra should not exist'],
  ])('rejects the app %j with 400', async (body, message) => {
    const res = await suite.api.post('/api/apps', body);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(message);
  });

  it('creates users as the contract says, unique in any letter case', async () => {
    const uname = uniqueUname('Alice');
    expect(await suite.api.post('/api/users', { uname })).toEqual({
      status: 201,
      body: { id: expect.any(Number), uname, role: 'member' },
    });
    const taken = await suite.api.post('/api/users', { uname: uname.toLowerCase(), role: 'admin' });
    expect(taken).toEqual({
      status: 409,
      body: { statusCode: 409, error: 'Conflict', message: `uname "${uname.toLowerCase()}" is taken` },
    });
    const mod = await suite.api.post('/api/users', { uname: uniqueUname('m'), role: 'mod' });
    expect(mod.body.role).toBe('mod');
  });

  it.each([
    [{ uname: '' }],
    [{ uname: 'has space' }],
    [{ uname: 'x'.repeat(33) }],
    [{ uname: 'émile' }],
    [{ uname: 42 }],
    [{ uname: 'okname', role: 'owner' }],
    [{ uname: 'okname', role: 'superuser' }],
  ])('rejects the user %j with 400', async (body) => {
    const res = await suite.api.post('/api/users', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('Bad Request');
  });

  it('issues tokens whose sha256 is the hashed_token, and stores only the hash', async () => {
    const uname = uniqueUname('tok');
    await suite.api.post('/api/users', { uname });
    const res = await suite.api.post(`/api/users/${uname.toUpperCase()}/tokens`);
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['hashed_token', 'token']);
    expect(Buffer.from(res.body.token, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(res.body.hashed_token).toBe(hashToken(res.body.token));
    expect(res.body.hashed_token).toMatch(/^[0-9a-f]{64}$/);
    expect((await suite.api.post('/api/users/nobody_at_all/tokens')).status).toBe(404);
  });

  it('reads, lists and changes users; a role change applies at the next lobby auth', async () => {
    const user = await suite.api.createUser(uniqueUname('rolly'));
    expect(await suite.api.get(`/api/users/${user.uname}`)).toEqual({
      status: 200,
      body: { id: user.id, uname: user.uname, role: 'member' },
    });
    expect((await suite.api.get('/api/users/does_not_exist')).status).toBe(404);
    expect(await suite.api.patch(`/api/users/${user.uname}`, { role: 'mod' })).toEqual({
      status: 200,
      body: { id: user.id, uname: user.uname, role: 'mod' },
    });
    expect((await suite.api.patch(`/api/users/${user.uname}`, { role: 'owner' })).status).toBe(400);
    const page = await suite.api.get(`/api/users?after=${user.id - 1}&limit=1`);
    expect(page).toEqual({ status: 200, body: [{ id: user.id, uname: user.uname, role: 'mod' }] });
    expect((await suite.api.get('/api/users?limit=0')).status).toBe(400);

    const appId = await suite.api.createApp();
    const client = await LobbyClient.connect(suite.server.url);
    const [, data] = await client.auth({ app_id: appId, hashed_token: user.hashedToken });
    expect((data as any).user.role).toBe('mod');
    client.close();
  });

  it('changes owners and mods, replacing only the lists given', async () => {
    const appId = await suite.api.createApp(['olga'], ['max']);
    expect(await suite.api.patch(`/api/apps/${appId}`, { mods: ['Zed', 'amy', 'AMY'] })).toEqual({
      status: 200,
      body: { id: appId, name: 'Test app', owners: ['olga'], mods: ['amy', 'Zed'], origins: [], ...NO_MODERATION },
    });
    const renamed = { id: appId, name: 'Renamed', owners: [], mods: ['amy', 'Zed'], origins: [], ...NO_MODERATION };
    expect((await suite.api.patch(`/api/apps/${appId}`, { name: 'Renamed', owners: [] })).body).toEqual(renamed);
    expect((await suite.api.patch('/api/apps/999999', { name: 'x' })).status).toBe(404);
    expect((await suite.api.get('/api/apps/abc')).status).toBe(400);
    const listed = await suite.api.get(`/api/apps?after=${appId - 1}&limit=1`);
    expect(listed.body).toEqual([renamed]);
  });

  it('revokes one token or all of them; a revoked token authenticates nobody', async () => {
    const user = await suite.api.createUser(uniqueUname('rev'));
    const second = (await suite.api.post(`/api/users/${user.uname}/tokens`)).body.hashed_token;
    const third = (await suite.api.post(`/api/users/${user.uname}/tokens`)).body.hashed_token;
    expect(await suite.api.delete(`/api/users/${user.uname}/tokens/${user.hashedToken}`)).toEqual({
      status: 200,
      body: { revoked: 1 },
    });
    const appId = await suite.api.createApp();
    const userIn = async (hashedToken: string) => {
      const client = await LobbyClient.connect(suite.server.url);
      const [, data] = await client.auth({ app_id: appId, hashed_token: hashedToken });
      client.close();
      return (data as any).user?.uname ?? null;
    };
    expect(await userIn(user.hashedToken)).toBeNull();
    expect(await userIn(second)).toBe(user.uname);
    expect(await suite.api.delete(`/api/users/${user.uname}/tokens`)).toEqual({ status: 200, body: { revoked: 2 } });
    expect(await userIn(second)).toBeNull();
    expect(await userIn(third)).toBeNull();
  });

  it('reads lobby history and deletes a message from it', async () => {
    const appId = await suite.api.createApp();
    const user = await suite.api.createUser(uniqueUname('poster'));
    const client = await LobbyClient.connect(suite.server.url);
    await client.auth({ app_id: appId, hashed_token: user.hashedToken });
    await client.say('keep me');
    await client.say('delete me');
    const [kept, doomed] = client.events('new_message').map(([, m]) => m as any);
    expect(await suite.api.get(`/api/apps/${appId}/messages`)).toEqual({ status: 200, body: [kept, doomed] });

    expect((await suite.api.delete(`/api/apps/${appId}/messages/${doomed.id}`)).status).toBe(204);
    expect((await suite.api.delete(`/api/apps/${appId}/messages/${doomed.id}`)).status).toBe(404);
    const otherApp = await suite.api.createApp();
    expect((await suite.api.delete(`/api/apps/${otherApp}/messages/${kept.id}`)).status).toBe(404);
    const late = await LobbyClient.connect(suite.server.url);
    const [, data] = await late.auth({ app_id: appId });
    expect((data as any).room.history).toEqual([kept]);
    client.close();
    late.close();
  });

  it('serves the OpenAPI description at /docs', async () => {
    const page = await fetch(`${suite.server.url}/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Swagger UI');
    const spec = (await (await fetch(`${suite.server.url}/docs-json`)).json()) as any;
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/apps', '/api/apps/{id}', '/api/users', '/api/users/{uname}/tokens']),
    );
  });
});

describe('provisioning API without ADMIN_TOKEN', () => {
  it('is closed and says how to open it', async () => {
    const server = await startServer({ ADMIN_TOKEN: '' });
    try {
      const res = await server.api.get('/api/apps');
      expect(res).toEqual({
        status: 401,
        body: {
          statusCode: 401,
          error: 'Unauthorized',
          message: 'The provisioning API is closed: start the server with ADMIN_TOKEN set',
        },
      });
    } finally {
      await server.close();
    }
  });
});
