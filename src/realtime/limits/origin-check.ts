import type { HandshakeCheck } from '../connection/handshake.js';

/**
 * The site-origin allowlist (CORS_ORIGINS) at every handshake: a browser page from another origin is refused
 * (403) before any protocol traffic, on socket.io's polling and websocket transports and on raw-ws gateways
 * alike. CORS alone does not do it: browsers do not apply CORS to WebSockets. A request without an Origin
 * header is not a browser page (or one that forges nothing a non-browser could not) and is let through.
 * `*` allows every origin.
 */
export function originAllowed(origins: string[]): HandshakeCheck {
  if (origins.includes('*')) return () => null;
  const allowed = new Set(origins.map(normalize));
  return (request) => {
    const origin = request.headers.origin;
    if (origin === undefined || allowed.has(normalize(origin))) return null;
    return { status: 403, reason: 'origin not allowed' };
  };
}

/** Origins compare by scheme, host and port, in any letter case, without a trailing slash. */
export function normalize(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}
