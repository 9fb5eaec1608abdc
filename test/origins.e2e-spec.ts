import { describe, expect, it } from 'vitest';
import { LobbyClient } from './support/lobby-client.js';
import { SellerClient } from './support/seller-client.js';
import { useTestServer } from './support/suite.js';

const SITE = 'https://site.example';
const EVIL = 'https://evil.example';

describe('the site-origin allowlist at every handshake', () => {
  const suite = useTestServer({ CORS_ORIGINS: `${SITE},https://other.example` });
  const opened: { close(): void }[] = [];

  async function seller(origin?: string): Promise<SellerClient | number> {
    try {
      const client = await SellerClient.connect(suite.server.url, '/seller', origin ? { origin } : {});
      opened.push(client);
      return client;
    } catch (error) {
      return Number(/Unexpected server response: (\d+)/.exec((error as Error).message)?.[1]);
    }
  }

  it('refuses a foreign Origin on /seller with 403 before any frame, and admits the site and non-browsers', async () => {
    try {
      expect(await seller(EVIL)).toBe(403);
      expect(await seller(SITE)).toBeInstanceOf(SellerClient);
      expect(await seller()).toBeInstanceOf(SellerClient);
    } finally {
      opened.splice(0).forEach((client) => client.close());
    }
  });

  it('refuses a foreign Origin on socket.io polling and websocket handshakes', async () => {
    const polling = await fetch(`${suite.server.url}/socket.io/?EIO=4&transport=polling`, {
      headers: { origin: EVIL },
    });
    expect(polling.status).toBe(403);
    await polling.text();
    for (const transports of [['websocket'], ['polling']] as const) {
      await expect(
        LobbyClient.connect(suite.server.url, [...transports], { extraHeaders: { origin: EVIL } }),
      ).rejects.toThrow();
    }
    const fromSite = await fetch(`${suite.server.url}/socket.io/?EIO=4&transport=polling`, {
      headers: { origin: SITE },
    });
    expect(fromSite.status).toBe(200);
    expect(fromSite.headers.get('access-control-allow-origin')).toBe(SITE);
    await fromSite.text();

    const appId = await suite.api.createApp();
    const control = await suite.joinLobby(appId);
    expect(control.data.room.users).toEqual({});
  });
});

describe("an app's own allowed origins", () => {
  const suite = useTestServer();

  it('refuses a lobby auth from a page of an origin the app does not list with client_error; admits listed ones', async () => {
    const created = await suite.api.post('/api/apps', {
      name: 'Picky',
      owners: [],
      origins: ['https://Site.example/'],
    });
    expect(created.body).toEqual({
      id: expect.any(Number),
      name: 'Picky',
      owners: [],
      mods: [],
      origins: [SITE],
      slowModeSeconds: 0,
      blockedWords: [],
      allowLinks: true,
    });
    const appId = created.body.id;
    const foreign = await LobbyClient.connect(suite.server.url, ['websocket'], { extraHeaders: { origin: EVIL } });
    try {
      foreign.emitTrackingAck('auth', { app_id: appId });
      expect(await foreign.waitFor('client_error')).toEqual(['this app does not allow pages from your origin']);
    } finally {
      foreign.close();
    }
    const fromSite = await LobbyClient.connect(suite.server.url, ['websocket'], { extraHeaders: { origin: SITE } });
    try {
      expect((await fromSite.auth({ app_id: appId }))[0]).toBeNull();
    } finally {
      fromSite.close();
    }

    expect((await suite.api.patch(`/api/apps/${appId}`, { origins: [] })).body.origins).toEqual([]);
    const anyOrigin = await LobbyClient.connect(suite.server.url, ['websocket'], { extraHeaders: { origin: EVIL } });
    try {
      expect((await anyOrigin.auth({ app_id: appId }))[0]).toBeNull();
    } finally {
      anyOrigin.close();
    }
    expect((await suite.api.patch(`/api/apps/${appId}`, { origins: ['javascript:alert(1)'] })).status).toBe(400);
  });
});
