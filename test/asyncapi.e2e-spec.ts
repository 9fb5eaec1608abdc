import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { LOBBY_DIRECT_EVENTS, LobbyGateway } from '../src/lobby/lobby.gateway.js';
import { LOBBY_BROADCASTS } from '../src/lobby/lobby.types.js';
import { SELLER_PUSHES } from '../src/seller/seller-chat.types.js';
import { SELLER_DIRECT_COMMANDS, SellerGateway } from '../src/seller/seller.gateway.js';
import { useTestServer } from './support/suite.js';

/** The events a gateway class handles, as its @SubscribeMessage decorators register them (Nest's 'message' metadata). */
function handledEvents(gateway: { prototype: object }): string[] {
  const proto = gateway.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto)
    .map((name) => Reflect.getMetadata('message', proto[name] as object) as string | undefined)
    .filter((event): event is string => typeof event === 'string');
}

describe('the AsyncAPI document', () => {
  const suite = useTestServer();

  it('is served beside the OpenAPI docs, parses as AsyncAPI 3, and names every event the gateways handle or emit', async () => {
    const response = await fetch(`${suite.server.url}/docs/asyncapi.yaml`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/yaml; charset=utf-8');
    const { document, diagnostics } = await new Parser().parse(await response.text());
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => d.message)).toEqual([]);
    if (!document) throw new Error('the document did not parse');
    expect(document.version()).toBe('3.0.0');

    const namesIn = (channel: string) =>
      new Set(
        document
          .channels()
          .get(channel)
          ?.messages()
          .all()
          .map((message) => message.name()?.replace(' (ack)', '')),
      );
    const lobby = namesIn('lobby');
    const lobbyHandled = [...handledEvents(LobbyGateway), ...LOBBY_DIRECT_EVENTS];
    for (const event of [...lobbyHandled, ...LOBBY_BROADCASTS, 'system_message', 'client_error']) {
      expect(lobby.has(event), `lobby event ${event}`).toBe(true);
    }
    const seller = namesIn('seller');
    const sellerHandled = [...handledEvents(SellerGateway), ...SELLER_DIRECT_COMMANDS];
    for (const command of [...sellerHandled, ...SELLER_PUSHES, 'error']) {
      expect(seller.has(command), `seller command ${command}`).toBe(true);
    }
    expect(lobbyHandled.sort()).toEqual(['auth', 'new_message']);
    expect(sellerHandled.sort()).toEqual(['auth', 'message', 'read']);
  });
});
