import { defineChannel } from '../bus/delivery-bus.js';

/** A user's credentials or role changed: `tokenHash` names the one token revoked, otherwise everything changed. */
export interface IdentityChange {
  userId: number;
  tokenHash?: string;
}

/**
 * Where identity changes are announced (users/identity-changes.ts publishes) and heard: the connection core
 * (Sessions) closes every connection a change concerns, on every instance.
 */
export const IDENTITY_CHANNEL = defineChannel<{ identity_changed: IdentityChange }>('identity');

/** Sessions watch this room for each user they hold a connection of. */
export function identityRoom(userId: number): string {
  return `identity:${userId}`;
}
