import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../src/web/public-files.js';
import { useTestServer } from './support/suite.js';

/** helmet's headers, as every response carries them (HSTS and upgrade-insecure-requests left to the TLS end). */
const HELMET = {
  'cross-origin-opener-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

async function headersOf(url: string, init?: RequestInit): Promise<Record<string, string>> {
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return Object.fromEntries(response.headers.entries());
}

describe('HTTP response headers', () => {
  // With the demo page served at /.
  const suite = useTestServer({ DEMO: 'true' });

  it.each([
    ['/health/live', undefined],
    ['/api/apps', undefined],
    ['/api/apps', { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } }],
    ['/docs', undefined],
    ['/docs-json', undefined],
    ['/no/such/page', undefined],
  ])('%s carries helmet headers and no X-Powered-By', async (path, init) => {
    const headers = await headersOf(suite.server.url + path, init);
    expect(headers).toMatchObject(HELMET);
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(headers).not.toHaveProperty('strict-transport-security');
    expect(headers).not.toHaveProperty('x-powered-by');
  });

  it.each(['/', '/demo.css', '/widgets/lobby.js', '/widgets/seller-chat.js'])(
    '%s keeps its own Content-Security-Policy',
    async (path) => {
      const headers = await headersOf(suite.server.url + path);
      expect(headers).toMatchObject({ ...HELMET, 'content-security-policy': CONTENT_SECURITY_POLICY });
      expect(headers).not.toHaveProperty('x-powered-by');
    },
  );

  it('lets other sites load the widget files', async () => {
    const headers = await headersOf(`${suite.server.url}/widgets/lobby.js`);
    expect(headers).toMatchObject({
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
    });
  });
});
