import { Logger } from '@nestjs/common';
import { isUserRole, UNAME_PATTERN } from '../users/roles.js';
import { type DirectoryApp, type DirectoryUser, UserDirectory } from './user-directory.js';

export class DirectoryUnavailableError extends Error {
  override readonly name = 'DirectoryUnavailableError';
}

/**
 * The site's own user service, asked the way Moneypot's chat server asked Moneypot's API:
 * `GET {base}/apps/{id}` → `{id, owners, mods?}` and `GET {base}/hashed-token-users/{hash}` → `{id, uname, role}`,
 * 404 meaning "no such thing". Anything else (timeouts, 5xx, malformed bodies) makes the lookup fail.
 */
export class HttpUserDirectory extends UserDirectory {
  private readonly logger = new Logger(HttpUserDirectory.name);

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {
    super();
  }

  async findApp(appId: number): Promise<DirectoryApp | null> {
    if (!Number.isSafeInteger(appId)) return null;
    const body = await this.get(`/apps/${appId}`, 'app');
    if (body === null) return null;
    const owners = body.owners ?? [];
    const mods = body.mods ?? [];
    if (body.id !== appId || !isUnameList(owners) || !isUnameList(mods)) throw this.malformed('app');
    return { id: appId, owners, mods };
  }

  async findUserByTokenHash(tokenHash: string): Promise<DirectoryUser | null> {
    const body = await this.get(`/hashed-token-users/${tokenHash}`, 'user');
    if (body === null) return null;
    const { id, uname, role } = body;
    if (!Number.isSafeInteger(id) || typeof uname !== 'string' || !UNAME_PATTERN.test(uname)) {
      throw this.malformed('user');
    }
    // The lobby knows no other global roles; anything else is an ordinary member.
    return { id: id as number, uname, role: isUserRole(role) ? role : 'member' };
  }

  private async get(path: string, what: string): Promise<Record<string, unknown> | null> {
    let response: Response;
    try {
      response = await fetch(this.baseUrl + path, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      // The path holds a token hash: log only what kind of lookup failed.
      this.logger.warn(`user directory ${what} lookup failed: ${(error as Error).name}`);
      throw new DirectoryUnavailableError(`user directory unreachable`);
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      this.logger.warn(`user directory ${what} lookup answered HTTP ${response.status}`);
      throw new DirectoryUnavailableError(`user directory answered ${response.status}`);
    }
    const body: unknown = await response.json().catch(() => null);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw this.malformed(what);
    return body as Record<string, unknown>;
  }

  private malformed(what: string): DirectoryUnavailableError {
    this.logger.warn(`user directory sent a malformed ${what}`);
    return new DirectoryUnavailableError(`user directory sent a malformed ${what}`);
  }
}

function isUnameList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && UNAME_PATTERN.test(v));
}
