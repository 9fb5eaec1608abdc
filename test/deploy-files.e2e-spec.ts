import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The container and compose files, checked offline (no Docker engine here): the Dockerfile's shape, and that every
 * path it copies exists and is not excluded from the build context. CI also runs `docker-compose config -q`.
 */
describe('Dockerfile', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() && !line.trim().startsWith('#'))
    .map((line) => line.trim());

  it('builds in one stage and runs in another, as a non-root user under an init, with a health check and a data volume', () => {
    const froms = instructions.filter((line) => line.startsWith('FROM '));
    expect(froms).toEqual(['FROM node:20-bookworm-slim AS build', 'FROM node:20-bookworm-slim']);
    const runtime = instructions.slice(instructions.indexOf(froms[1]));
    expect(runtime).toContain('USER node');
    expect(runtime).toContain('VOLUME /data');
    expect(runtime).toContain('ENTRYPOINT ["/usr/bin/tini", "--"]');
    expect(runtime).toContain('CMD ["node", "dist/src/main.js"]');
    expect(runtime.find((line) => line.startsWith('HEALTHCHECK'))).toContain('/health/live');
  });

  it('copies only files that exist and that .dockerignore lets into the build context', () => {
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n').filter(Boolean);
    const sources = instructions
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(sources).toEqual([
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'ormconfig.ts',
      'src',
      'docs',
      'public',
      'package.json',
    ]);
    for (const source of sources) {
      expect(existsSync(source), source).toBe(true);
      expect(
        ignored.some((pattern) => source === pattern || source.startsWith(`${pattern}/`)),
        source,
      ).toBe(false);
    }
  });
});

describe('compose.yaml and nginx.conf', () => {
  const compose = readFileSync('deploy/compose.yaml', 'utf8');
  const nginx = readFileSync('deploy/nginx.conf', 'utf8');

  it("trust nginx's X-Forwarded-For: nginx appends the client, and every instance trusts nginx's pinned address", () => {
    expect(nginx).toMatch(/^\s*proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;$/m);
    const pinned = [...compose.matchAll(/ipv4_address: (\S+)/g)].map((match) => match[1]);
    expect(pinned).toHaveLength(1);
    const trusted = [...compose.matchAll(/TRUSTED_PROXIES: (\S+)/g)].map((match) => match[1]);
    expect(trusted).toEqual([pinned[0]]);
    // One environment block, shared by every instance through its YAML anchor.
    expect(compose.match(/environment:\s*\n\s*<<: \*chatgate-env/g)).toHaveLength(1);
  });
});
