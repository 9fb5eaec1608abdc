import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Redis } from 'ioredis';
import { Clock } from '../../common/clock.js';
import { ExpiringCache } from '../../common/expiring-cache.js';
import { cacheSettings } from '../../config/areas/cache.settings.js';
import {
  type Departure,
  type Leave,
  type PresenceMember,
  type PresenceSnapshot,
  PresenceStore,
} from './presence-store.js';
import * as scripts from './presence-scripts.js';
import { RedisConnections } from '../redis/redis-connections.js';

/**
 * Presence shared by every instance through Redis; each operation is one Lua script (presence-scripts.ts). The last
 * snapshot read of each place is kept (at most CACHE_MAX_ENTRIES places, each for CACHE_TTL_MS at most), and Redis
 * sends a place's members only when they changed since: a lobby's anonymous readers, and a member's second tab,
 * change nobody and would each be sent the whole list.
 */
@Injectable()
export class RedisPresenceStore extends PresenceStore {
  private readonly redis: Redis;
  private readonly snapshots: ExpiringCache<string, HeldSnapshot>;

  constructor(
    private readonly connections: RedisConnections,
    clock: Clock,
    @Inject(cacheSettings.KEY) cache: ConfigType<typeof cacheSettings>,
  ) {
    super();
    this.snapshots = new ExpiringCache(clock, cache.maxEntries, cache.ttlMs);
    this.redis = connections.get('commands');
    // EVALSHA, falling back to EVAL once per script: the script text is not sent with every call.
    for (const [name, lua] of Object.entries(scripts))
      this.redis.defineCommand(`presence${name}`, { numberOfKeys: 0, lua });
  }

  async add(place: string, member: PresenceMember, instanceId: string, connectionId: string): Promise<number | null> {
    const version = await this.run('ADD', place, String(member.id), JSON.stringify(member), instanceId, connectionId);
    return version === null ? null : Number(version);
  }

  async remove<M extends PresenceMember>(
    place: string,
    memberId: number,
    instanceId: string,
    connectionId: string,
  ): Promise<Leave<M> | null> {
    const left = (await this.run('REMOVE', place, String(memberId), instanceId, connectionId)) as
      [string, number] | null;
    return left && { member: JSON.parse(left[0]) as M, version: Number(left[1]) };
  }

  async has(place: string, memberId: number): Promise<boolean> {
    await this.connections.started;
    return (await this.redis.hexists(`${this.prefix}p:${place}:members`, String(memberId))) === 1;
  }

  async snapshot<M extends PresenceMember>(place: string): Promise<PresenceSnapshot<M>> {
    const held = this.snapshots.get(place);
    const known = held ? [held.epoch, String(held.snapshot.version)] : ['', ''];
    const [version, epoch, ...members] = (await this.run('SNAPSHOT', place, ...known)) as string[];
    // Still the epoch and version it sent: Redis sent no member, and `held` is the list.
    if (held !== undefined && epoch === known[0] && version === known[1]) return held.snapshot as PresenceSnapshot<M>;
    const snapshot = { version: Number(version), members: members.map((json) => JSON.parse(json) as M) };
    this.snapshots.set(place, { epoch, snapshot });
    return snapshot;
  }

  async renew(instanceId: string, expiresAt: number): Promise<boolean> {
    await this.connections.started;
    // ZADD answers how many members it added: 0 means the lease was there.
    return (await this.redis.zadd(`${this.prefix}leases`, expiresAt, instanceId)) === 0;
  }

  async expire(now: number): Promise<Departure[]> {
    return departures(await this.run('EXPIRE', String(now)));
  }

  async removeInstance(instanceId: string): Promise<Departure[]> {
    return departures(await this.run('REMOVE_INSTANCE', instanceId));
  }

  private get prefix(): string {
    return this.connections.prefix;
  }

  private async run(script: keyof typeof scripts, ...args: string[]): Promise<unknown> {
    await this.connections.started;
    const command = (this.redis as unknown as Record<string, (...args: string[]) => Promise<unknown>>)[
      `presence${script}`
    ];
    return command.call(this.redis, this.prefix, ...args);
  }
}

function departures(flat: unknown): Departure[] {
  const values = flat as string[];
  const out: Departure[] = [];
  for (let i = 0; i < values.length; i += 3) {
    out.push({ place: values[i], member: JSON.parse(values[i + 1]) as PresenceMember, version: Number(values[i + 2]) });
  }
  return out;
}

/** A place's members as last read, with the epoch and version Redis gave them (presence-scripts.ts). */
interface HeldSnapshot {
  epoch: string;
  snapshot: PresenceSnapshot;
}
