import type { UserRole } from '../users/roles.js';

export interface DirectoryApp {
  id: number;
  owners: string[];
  mods: string[];
  /** Site origins whose pages may join this app's lobby; absent or empty allows any. */
  origins?: string[];
}

export interface DirectoryUser {
  id: number;
  uname: string;
  role: UserRole;
}

/**
 * Where the lobby learns who an app's staff are and whose token a hash is: the local tables, or the site's
 * own user service. Both answer null for "no such thing" and throw when they cannot answer at all.
 */
export abstract class UserDirectory {
  abstract findApp(appId: number): Promise<DirectoryApp | null>;
  abstract findUserByTokenHash(tokenHash: string): Promise<DirectoryUser | null>;
}
