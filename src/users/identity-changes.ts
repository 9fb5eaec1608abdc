import { Injectable } from '@nestjs/common';
import { DirectoryChanges } from './directory-changes.js';
import { DeliveryBus } from '../realtime/bus/delivery-bus.js';
import { IDENTITY_CHANNEL, type IdentityChange, identityRoom } from '../realtime/connection/identity-channel.js';

/**
 * Announces revoked tokens and changed roles to every instance (through the DeliveryBus, like every other
 * fan-out), so connections authenticated before the change do not keep powers they no longer have: the
 * connection core (realtime/connection/sessions.ts) closes the connections the change concerns, and their clients
 * authenticate again, against a user directory that has forgotten what it cached about that user (DirectoryChanges).
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
