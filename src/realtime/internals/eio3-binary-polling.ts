import type { IncomingMessage } from 'node:http';
import type { Server as Engine } from 'engine.io';
import type { WrittenAgainst } from './written-against.js';

export const WRITTEN_AGAINST: WrittenAgainst = { 'engine.io': '6.6.12' };

type Encoded = (payload: string | Buffer) => void;

/** The private parts of engine.io 6 this relies on; engine.io is pinned in package.json and tested for them. */
interface PollingTransport {
  name: string;
  protocol: 3 | 4;
  /** false when the client asked for base64 (`b64` in the handshake query). */
  supportsBinary: boolean;
  parser: {
    encodePayload(packets: unknown[], supportsBinary: boolean, done: Encoded): void;
    encodePayloadAsBinary(packets: unknown[], done: Encoded): void;
  };
}

/**
 * socket.io-client 1.3.x (engine.io-client 1.5) in a browser with XHR2 leaves `b64` out and reads a polling response
 * only when it is `application/octet-stream`; a text body counts as "ok" and it starts a new handshake, forever.
 * Engine.IO 3 servers of its day answered such clients in the binary payload format, whatever the packets held;
 * engine.io 6 (parser-v3 `encodePayload`) only does when a packet carries binary data. This restores the old answer
 * for exactly those transports: polling, protocol 3, binary not refused. Later 1.x/2.x clients read it too.
 *
 * The seam is `createTransport`: every transport of a session, the handshake's included, is made there, and the
 * handshake's open packet is written before engine.io emits `connection`, so a later hook would miss it.
 */
export function serveEio3PollingAsBinary(engine: Engine): void {
  const seam = engine as unknown as { createTransport(name: string, req: IncomingMessage): PollingTransport };
  const createTransport = seam.createTransport.bind(engine);
  seam.createTransport = (name, req) => {
    const transport = createTransport(name, req);
    if (transport.name === 'polling' && transport.protocol === 3 && transport.supportsBinary) {
      const parser = transport.parser;
      transport.parser = {
        ...parser,
        encodePayload: (packets, _supportsBinary, done) => parser.encodePayloadAsBinary(packets, done),
      };
    }
    return transport;
  };
}
