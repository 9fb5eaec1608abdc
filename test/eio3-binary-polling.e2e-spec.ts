import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestServer } from './support/suite.js';

// engine.io's own EIO3 parser, reached by file because its package exports only the main entry: if the pinned
// engine.io moves or changes it, this file fails along with the seam src/realtime/internals/eio3-binary-polling.ts uses.
const require = createRequire(import.meta.url);
const parserV3 = require(join(dirname(require.resolve('engine.io')), 'parser-v3/index.js')) as {
  decodePayload(data: string, callback: (packet: Packet) => void): void;
  decodePayloadAsBinary(data: Buffer, callback: (packet: Packet) => void): void;
};

interface Packet {
  type: string;
  data?: string;
}

const openPacket = {
  sid: expect.any(String),
  upgrades: ['websocket'],
  pingInterval: 25_000,
  pingTimeout: 20_000,
  maxPayload: 64 * 1024,
};

describe('EIO3 polling payloads, as socket.io-client 1.3.x in a browser reads them', () => {
  const suite = useTestServer();

  const poll = async (query: string) => {
    const response = await fetch(`${suite.server.url}/socket.io/?${query}`);
    return { contentType: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) };
  };
  const binaryPackets = (body: Buffer): Packet[] => {
    const packets: Packet[] = [];
    parserV3.decodePayloadAsBinary(body, (packet) => void packets.push(packet));
    return packets;
  };

  it('answers a client that did not ask for base64 in the binary payload format, the handshake included', async () => {
    const handshake = await poll('EIO=3&transport=polling&t=a');
    expect(handshake.contentType).toBe('application/octet-stream');
    const [open, ...rest] = binaryPackets(handshake.body);
    expect(rest).toEqual([]);
    expect(open.type).toBe('open');
    const { sid } = JSON.parse(open.data!);
    expect(JSON.parse(open.data!)).toEqual(openPacket);

    // socket.io connects EIO3 clients to the main namespace unasked: the next poll carries its CONNECT ("0").
    const next = await poll(`EIO=3&transport=polling&t=b&sid=${sid}`);
    expect(next.contentType).toBe('application/octet-stream');
    expect(binaryPackets(next.body)).toEqual([{ type: 'message', data: '0' }]);
  });

  it('answers a client that asked for base64 (b64=1) in text, as before', async () => {
    const handshake = await poll('EIO=3&transport=polling&t=a&b64=1');
    expect(handshake.contentType).toBe('text/plain; charset=UTF-8');
    const packets: Packet[] = [];
    parserV3.decodePayload(handshake.body.toString('utf8'), (packet) => void packets.push(packet));
    expect(packets).toHaveLength(1);
    expect(packets[0].type).toBe('open');
    expect(JSON.parse(packets[0].data!)).toEqual(openPacket);
  });

  it('leaves EIO4 polling in text', async () => {
    const handshake = await poll('EIO=4&transport=polling&t=a');
    expect(handshake.contentType).toBe('text/plain; charset=UTF-8');
    expect(handshake.body.toString('utf8')).toMatch(/^0\{"sid":"[^"]+"/);
  });
});
