import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Clock } from '../common/clock.js';
import { ExpiringCache } from '../common/expiring-cache.js';
import type { Subscription } from '../realtime/bus/delivery-bus.js';
import type { DirectoryChange, DirectoryChanges } from '../users/directory-changes.js';
import { type DirectoryApp, type DirectoryUser, UserDirectory } from './user-directory.js';

export interface DirectoryCacheOptions {
  maxEntries: number;
  ttlMs: number;
  /** Where changes are announced; absent for a directory whose changes nobody announces (the HTTP one). */
  changes?: DirectoryChanges;
}

/**
 * Keeps the apps and token holders a directory found, so a lobby `auth` does not ask it again for each socket.
 * Why that is safe: with the local tables, everything a held answer says changes only through the admin API
 * (an app's origins and staff, a user's role, a revoked token), which announces each change on every instance
 * (DirectoryChanges) after storing it; the held answer is dropped there, and a lookup that raced the change does
 * not store what it read. `ttlMs` bounds how long an announcement lost between instances (a Redis outage) can
 * leave an answer stale. Only found things are held: "no such app or token" is asked again each time, so a new
 * app or token needs no announcement. For a remote directory, which announces nothing, `ttlMs` is the staleness
 * its operator accepts (USER_DIRECTORY_CACHE_TTL_MS).
 */
export class CachedUserDirectory extends UserDirectory implements OnModuleInit, OnModuleDestroy {
  private readonly apps: ExpiringCache<number, DirectoryApp | null>;
  private readonly users: ExpiringCache<string, DirectoryUser | null>;
  private subscription?: Subscription;

  constructor(
    private readonly inner: UserDirectory,
    clock: Clock,
    private readonly options: DirectoryCacheOptions,
  ) {
    super();
    this.apps = new ExpiringCache(clock, options.maxEntries, options.ttlMs);
    this.users = new ExpiringCache(clock, options.maxEntries, options.ttlMs);
  }

  async onModuleInit(): Promise<void> {
    this.subscription = await this.options.changes?.listen((change) => this.forget(change));
  }

  onModuleDestroy(): void {
    this.subscription?.close();
  }

  findApp(appId: number): Promise<DirectoryApp | null> {
    return this.apps.load(appId, () => this.inner.findApp(appId), isFound);
  }

  findUserByTokenHash(tokenHash: string): Promise<DirectoryUser | null> {
    return this.users.load(tokenHash, () => this.inner.findUserByTokenHash(tokenHash), isFound);
  }

  private forget(change: DirectoryChange): void {
    if ('appId' in change) return this.apps.invalidate(change.appId);
    const { userId, tokenHash } = change;
    if (tokenHash !== undefined) this.users.invalidate(tokenHash);
    // Without a hash every token of the user went, or its role changed: every hash it holds.
    else this.users.invalidate((_hash, user) => user?.id === userId);
  }
}

function isFound<T>(value: T | null): value is T {
  return value !== null;
}
