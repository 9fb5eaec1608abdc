import { Injectable } from '@nestjs/common';
import { DirectoryChanges } from './directory-changes.js';
import { defineChannel, DeliveryBus } from '../realtime/bus/delivery-bus.js';

/** A user's credentials or role changed: `tokenHash` names the one token revoked, otherwise everything changed. */
export interface IdentityChange {
  userId: number;
  tokenHash?: string;
}

export const IDENTITY_CHANNEL = defineChannel<{ identity_changed: IdentityChange }>('identity');

/** Gateways watch this room for each user they hold a connection of. */
export function identityRoom(userId: number): string {
  return `identity:${userId}`;
}

/**
 * Announces revoked tokens and changed roles to every instance (through the DeliveryBus, like every other
 * fan-out), so connections authenticated before the change do not keep powers they no longer have: each
 * gateway closes the connections the change concerns, and their clients authenticate again, against a user
 * directory that has forgotten what it cached about that user (DirectoryChanges).
 */
@Injectable()
export class IdentityChanges {
  constructor(
    private readonly bus: DeliveryBus,
    private readonly directory: DirectoryChanges,
  ) {}

  announce(change: IdentityChange): void {
    // The directory first: a client reconnecting at once after the disconnect must not be let in from its cache.
    this.directory.announce(change);
    this.bus.publish(IDENTITY_CHANNEL, { room: identityRoom(change.userId), event: 'identity_changed', data: change });
  }
}
