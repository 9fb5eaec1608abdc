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
    const polling = await fetch(`${suite.server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: EVIL } });
    expect(polling.status).toBe(403);
    await polling.text();
    for (const transports of [['websocket'], ['polling']] as const) {
      await expect(LobbyClient.connect(suite.server.url, [...transports], { extraHeaders: { origin: EVIL } })).rejects.toThrow();
    }
    const fromSite = await fetch(`${suite.server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: SITE } });
    expect(fromSite.status).toBe(200);
    expect(fromSite.headers.get('access-control-allow-origin')).toBe(SITE);
    await fromSite.text();

    const appId = await suite.api.createApp();
    const control = await suite.joinLobby(appId);
    expect(control.data.room.users).toEqual({});
  });
});
