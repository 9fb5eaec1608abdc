import { Injectable } from '@nestjs/common';
import { defineChannel, DeliveryBus, type Subscription } from '../realtime/bus/delivery-bus.js';
/** One room: every instance that caches directory answers hears every change (they come from the admin API, rarely). */
const DIRECTORY_ROOM = 'directory';

/** What changed: an app (its origins or staff), or a user (one token revoked, or with no hash: tokens or role). */
export type DirectoryChange = { appId: number } | { userId: number; tokenHash?: string };

const DIRECTORY_CHANNEL = defineChannel<{ directory_changed: DirectoryChange }>('directory');

/**
 * Tells every instance that an app or a user changed in the local tables, after the change is stored, so the
 * answers they cached (CachedUserDirectory) are read again.
 */
@Injectable()
export class DirectoryChanges {
  constructor(private readonly bus: DeliveryBus) {}

  announce(change: DirectoryChange): void {
    this.bus.publish(DIRECTORY_CHANNEL, { room: DIRECTORY_ROOM, event: 'directory_changed', data: change });
  }

  /** Resolves once changes announced anywhere from then on reach `handler`. */
  async listen(handler: (change: DirectoryChange) => void): Promise<Subscription> {
    const subscription = this.bus.subscribe(DIRECTORY_CHANNEL, ({ data }) => handler(data));
    await subscription.watch(DIRECTORY_ROOM);
    return subscription;
  }
}
