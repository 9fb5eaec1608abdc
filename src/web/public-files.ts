import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Response } from 'express';

/**
 * The browser files under public/ (widgets, demo page). tsc copies nothing but .ts, so they are read from the
 * source folder, found from wherever this module runs (src/ under tests, dist/src/ after a build).
 */
export const PUBLIC_DIR = join(packageRoot(dirname(fileURLToPath(import.meta.url))), 'public');

/** No inline script, no inline style, nothing from elsewhere: user text can never become code on these pages. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Reads the named files once, at start: a missing one stops the app rather than answering 404 later. */
export function loadPublicFiles(names: string[]): Map<string, Buffer> {
  return new Map(names.map((name) => [name, readFileSync(join(PUBLIC_DIR, name))]));
}

export function sendPublicFile(res: Response, name: string, body: Buffer): void {
  res.setHeader('Content-Type', TYPES[extname(name)] ?? 'application/octet-stream');
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-cache');
  res.end(body);
}

function packageRoot(dir: string): string {
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('public/: no package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}
