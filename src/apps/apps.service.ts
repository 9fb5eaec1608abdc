import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { InvalidInputError, NotFoundError } from '../common/refusal.js';
import { isRowId } from '../common/row-id.js';
import { assertUname } from '../users/users.service.js';
import { unameKey } from '../users/roles.js';
import { AppStaffEntity, type AppStaffRole } from './app-staff.entity.js';
import { AppEntity } from './app.entity.js';
import { type AppAccess, appAccessReader, type ReadAppAccess, staffLists, storedOriginList } from './app-access.js';
import { Clock } from '../common/clock.js';
import { ChatEntity } from '../chats/chat.entity.js';
import { LobbyLastPostEntity } from '../moderation/lobby-last-post.entity.js';
import { LobbySettingsEntity } from '../moderation/lobby-settings.entity.js';
import { ModerationLogEntity } from '../moderation/moderation-log.entity.js';
import { DirectoryChanges } from '../users/directory-changes.js';
import { normalize as normalizeOrigin } from '../realtime/limits/origin-check.js';
import {
  DEFAULT_LOBBY_SETTINGS,
  LobbySettingsService,
  type LobbySettingsView,
} from '../moderation/lobby-settings.service.js';

/** An app with its lobby's moderation settings. */
export interface AppView extends AppAccess, LobbySettingsView {
  name: string;
}

/** The lobby filter's settings, given when an app is created or changed (slow mode is the lobby's to set). */
export type AppFilter = Partial<Pick<LobbySettingsView, 'blockedWords' | 'allowLinks'>>;

export interface AppChanges extends AppFilter {
  name?: string;
  owners?: string[];
  mods?: string[];
  origins?: string[];
}

@Injectable()
export class AppsService {
  private readonly readAccess: ReadAppAccess;

  constructor(
    @InjectRepository(AppEntity) private readonly apps: Repository<AppEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly changes: DirectoryChanges,
    private readonly settings: LobbySettingsService,
  ) {
    this.readAccess = appAccessReader(dataSource);
  }

  async create(
    name: string,
    owners: string[],
    mods: string[] = [],
    origins: string[] = [],
    filter: AppFilter = {},
  ): Promise<AppView> {
    assertName(name);
    this.settings.check(filter);
    const staff = staffRows(owners, 'owner').concat(staffRows(mods, 'mod'));
    const app = await this.dataSource.transaction(async (tx) => {
      const created = tx.create(AppEntity, {
        name,
        allowedOrigins: storedOrigins(origins),
        createdAt: this.clock.now(),
      });
      await tx.insert(AppEntity, created);
      if (staff.length)
        await tx.insert(
          AppStaffEntity,
          staff.map((row) => ({ ...row, appId: created.id })),
        );
      return created;
    });
    if (hasFilter(filter)) await this.settings.update(app.id, filter);
    return this.get(app.id);
  }

  /** The app, or null. Ids outside the integer range are answered with null rather than a database error. */
  async find(id: number): Promise<AppView | null> {
    if (!isRowId(id)) return null;
    const app = await this.apps.findOne({ where: { id }, relations: { staff: true } });
    return app ? toView(app, await this.settings.viewOf(id)) : null;
  }

  /** The app's staff and origins without its settings, or null (as `find`). */
  access(id: number): Promise<AppAccess | null> {
    return isRowId(id) ? this.readAccess(id) : Promise.resolve(null);
  }

  async get(id: number): Promise<AppView> {
    const app = await this.find(id);
    if (!app) throw new NotFoundError(`no app ${id}`);
    return app;
  }

  async list(limit: number, afterId: number): Promise<AppView[]> {
    const apps = await this.apps
      .createQueryBuilder('a')
      .leftJoinAndSelect('a.staff', 's')
      .where('a.id > :afterId', { afterId })
      .orderBy('a.id', 'ASC')
      .take(limit)
      .getMany();
    const settings = await this.settings.viewsOf(apps.map(({ id }) => id));
    return apps.map((app) => toView(app, settings.get(app.id) ?? DEFAULT_LOBBY_SETTINGS));
  }

  /** Renames the app and replaces whichever staff list and filter setting is given. */
  async update(id: number, changes: AppChanges): Promise<AppView> {
    await this.get(id);
    if (changes.name !== undefined) assertName(changes.name);
    this.settings.check(changes);
    const lists: [AppStaffRole, string[] | undefined][] = [
      ['owner', changes.owners],
      ['mod', changes.mods],
    ];
    await this.dataSource.transaction(async (tx) => {
      if (changes.name !== undefined) await tx.update(AppEntity, { id }, { name: changes.name });
      if (changes.origins !== undefined)
        await tx.update(AppEntity, { id }, { allowedOrigins: storedOrigins(changes.origins) });
      for (const [role, unames] of lists) {
        if (unames === undefined) continue;
        const rows = staffRows(unames, role);
        await tx.delete(AppStaffEntity, { appId: id, role });
        if (rows.length)
          await tx.insert(
            AppStaffEntity,
            rows.map((row) => ({ ...row, appId: id })),
          );
      }
    });
    const { blockedWords, allowLinks } = changes;
    if (hasFilter(changes)) await this.settings.update(id, { blockedWords, allowLinks });
    this.changes.announce({ appId: id });
    return this.get(id);
  }

  /**
   * Deletes the app and its lobby, in one transaction: its staff (FK cascade); its lobby chat (no foreign key
   * reaches an app, since apps may live in a remote directory) with the chat's messages and mutes (FK cascade) and
   * slow mode's last posts; its lobby settings and moderation log. Every instance then forgets what it cached about
   * the app. Returns the lobby chat's id (null if nobody ever entered the lobby) for the caller to close the lobby.
   */
  async remove(id: number): Promise<{ lobbyChatId: number | null }> {
    const lobbyChatId = await this.dataSource.transaction(async (tx) => {
      const lobby = await tx.findOne(ChatEntity, { select: { id: true }, where: { kind: 'lobby', appId: id } });
      if (lobby) {
        await tx.delete(LobbyLastPostEntity, { chatId: lobby.id });
        await tx.delete(ChatEntity, { id: lobby.id });
      }
      await tx.delete(LobbySettingsEntity, { appId: id });
      await tx.delete(ModerationLogEntity, { appId: id });
      const { affected } = await tx.delete(AppEntity, { id });
      if (!affected) throw new NotFoundError(`no app ${id}`);
      return lobby?.id ?? null;
    });
    this.changes.announce({ appId: id });
    return { lobbyChatId };
  }
}

function assertName(name: unknown): void {
  if (typeof name !== 'string' || name.trim().length < 1 || name.length > 100) {
    throw new InvalidInputError('name must be 1-100 characters');
  }
}

function staffRows(unames: string[], role: AppStaffRole): Omit<AppStaffEntity, 'appId'>[] {
  if (!Array.isArray(unames)) throw new InvalidInputError(`${role}s must be a list of unames`);
  unames.forEach((uname) => assertUname(uname));
  return uniqueUnames(unames).map((uname) => ({ role, uname, unameKey: unameKey(uname) }));
}

/** Drops names that differ only in letter case, keeping the first spelling. */
function uniqueUnames(unames: string[]): string[] {
  const seen = new Set<string>();
  return unames.filter((uname) => !seen.has(unameKey(uname)) && seen.add(unameKey(uname)));
}

function hasFilter({ blockedWords, allowLinks }: AppFilter): boolean {
  return blockedWords !== undefined || allowLinks !== undefined;
}

function toView(app: AppEntity, settings: LobbySettingsView): AppView {
  return {
    id: app.id,
    name: app.name,
    ...staffLists(app.staff ?? []),
    origins: storedOriginList(app.allowedOrigins),
    ...settings,
  };
}

/** Origins are kept normalized (lowercase, no trailing slash), so they compare as the handshake's Origin does. */
function storedOrigins(origins: string[]): string | null {
  return origins.length ? JSON.stringify([...new Set(origins.map(normalizeOrigin))]) : null;
}
