import { describe, expect, it } from 'vitest';
import { useTestServer } from './support/suite.js';

interface Operation {
  parameters?: { name: string; in: string; schema: { type: string } }[];
  responses: Record<string, unknown>;
}

describe('the OpenAPI document of the provisioning API', () => {
  const suite = useTestServer();

  it("declares the errors of every route (each route's own: openapi-errors.e2e-spec.ts), an opaque bearer and integer ids, names the seller routes, and advertises only parameters that work", async () => {
    const document = (await suite.api.as(null).get('/docs-json')).body as {
      info: { description: string };
      paths: Record<string, Record<string, Operation>>;
      components: {
        schemas: Record<string, { properties: Record<string, { type?: string }> }>;
        securitySchemes: Record<string, object>;
      };
    };
    // The bearer is ADMIN_TOKEN, an opaque string: nothing says JWT.
    expect(document.components.securitySchemes).toEqual({
      bearer: { type: 'http', scheme: 'bearer', description: 'The ADMIN_TOKEN the server was started with' },
    });
    expect(document.info.description).toContain('sellers');
    const api = Object.entries(document.paths).filter(([path]) => path.startsWith('/api/'));
    expect(api.map(([path]) => path)).toEqual(
      expect.arrayContaining(['/api/sellers', '/api/sellers/{id}/chats/{chatId}/messages']),
    );
    for (const [path, operations] of api) {
      for (const [method, operation] of Object.entries(operations)) {
        expect(Object.keys(operation.responses), `${method} ${path}`).toEqual(expect.arrayContaining(['401', '500']));
        for (const parameter of operation.parameters ?? []) {
          if (parameter.in === 'path' && /id$/i.test(parameter.name))
            expect(parameter.schema.type, `${path} ${parameter.name}`).toBe('integer');
        }
      }
    }
    const history = document.paths['/api/apps/{id}/messages'].get;
    expect(history.parameters?.map((p) => p.name).sort()).toEqual(['id', 'limit']);
    expect(document.paths['/api/apps'].get.parameters?.map((p) => [p.name, p.schema.type])).toEqual([
      ['limit', 'integer'],
      ['after', 'integer'],
    ]);
    for (const schema of [
      'AppResponse',
      'UserResponse',
      'SellerResponse',
      'SellerMessageResponse',
      'LobbyMessageResponse',
    ]) {
      expect(document.components.schemas[schema].properties.id.type, schema).toBe('integer');
    }
    expect(document.components.schemas.ErrorResponse.properties.statusCode.type).toBe('integer');
  });
});
