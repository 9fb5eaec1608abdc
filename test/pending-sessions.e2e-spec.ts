import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { useTestServer } from './support/suite.js';
import { until } from './support/until.js';

interface Reply {
  status: number;
  body: string;
}

describe('Engine.IO sessions per client address that have not said anything yet (LOBBY_PENDING_SESSIONS_PER_IP)', () => {
  // The bound is kept by each instance, so this runs against one even when the suite runs on a simulated cluster.
  const suite = useTestServer({ LOBBY_PENDING_SESSIONS_PER_IP: '3' }, { singleInstance: true });

  /** One EIO4 polling request, optionally from another loopback address (the server listens on 127.0.0.1). */
  const send = (query: string, { body, from }: { body?: string; from?: string } = {}) =>
    new Promise<Reply>((resolve, reject) => {
      const req = request(`${suite.server.url}/socket.io/?EIO=4&transport=polling&${query}`, {
        method: body === undefined ? 'GET' : 'POST',
        localAddress: from,
        agent: false,
      });
      req.on('error', reject);
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      });
      req.end(body);
    });
  /** Opens a session and returns its id; the client then stays silent, like a page that failed to read the reply. */
  const handshake = async (from?: string) => {
    const reply = await send('t=h', { from });
    expect(reply.status).toBe(200);
    return JSON.parse(reply.body.slice(1)).sid as string;
  };
  const refused = { status: 403, body: JSON.stringify({ code: 4, message: 'too many pending sessions' }) };

  it('refuses handshakes beyond the bound until a pending session speaks or closes', async () => {
    const sids = [await handshake(), await handshake(), await handshake()];
    expect(await send('t=h')).toEqual(refused);
    // Another address has its own count.
    const elsewhere = await handshake('127.0.0.2');

    // A session whose client sends its socket.io CONNECT is no longer pending.
    expect(await send(`sid=${sids[0]}`, { body: '40' })).toEqual({ status: 200, body: 'ok' });
    sids.push(await handshake());
    expect(await send('t=h')).toEqual(refused);

    // Closed sessions free their places.
    for (const sid of [...sids, elsewhere])
      expect(await send(`sid=${sid}`, { body: '1' })).toEqual({ status: 200, body: 'ok' });
    const client = await suite.lobbyClient(['polling']);
    const appId = await suite.api.createApp();
    expect(await client.auth({ app_id: appId })).toEqual([
      null,
      { room: { users: {}, history: [], muteList: {}, slowMode: 0 } },
    ]);
  });

  it('counts silent sessions opened over WebSocket until their connection closes', async () => {
    const url = `${suite.server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`;
    /** A WebSocket session that reads its open packet and says nothing. */
    const silent = () =>
      new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(url, { localAddress: '127.0.0.3' });
        socket.once('message', () => resolve(socket));
        socket.once('error', reject);
      });
    const sessions = [await silent(), await silent(), await silent()];
    try {
      await expect(silent()).rejects.toThrow('Unexpected server response: 400');
      sessions[0].close();
      await until(
        async () => {
          const next = await silent().catch(() => null);
          if (next) sessions.push(next);
          return next !== null;
        },
        { what: "the closed session's place" },
      );
    } finally {
      sessions.forEach((socket) => socket.close());
    }
  });
});
