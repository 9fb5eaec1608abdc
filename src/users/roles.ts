/** A user's global role, set by the site's backend. */
export const USER_ROLES = ['admin', 'mod', 'member'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** A role inside one lobby: the global role, raised by the app's own staff lists. */
export type LobbyRole = 'owner' | UserRole;

export const UNAME_PATTERN = /^[A-Za-z0-9_]{1,32}$/;

export function unameKey(uname: string): string {
  return uname.toLowerCase();
}

export function isUserRole(value: unknown): value is UserRole {
  return typeof value === 'string' && (USER_ROLES as readonly string[]).includes(value);
}
