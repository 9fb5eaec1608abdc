import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type DataSource, In, type Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { InvalidInputError } from '../common/refusal.js';
import { cacheSettings } from '../config/areas/cache.settings.js';
import { type PreparedRead, preparedRead } from '../database/prepared-reads.js';
import { lobbySettings } from '../config/areas/lobby.settings.js';
import { AnnouncedCache } from '../realtime/bus/announced-cache.js';
import { DeliveryBus } from '../realtime/bus/delivery-bus.js';
import { LobbySettingsEntity } from './lobby-settings.entity.js';
import { compileFilter, type MessageFilter } from './message-filter.js';

/** An app's lobby moderation settings, as the API shows them. */
export interface LobbySettingsView {
  slowModeSeconds: number;
  blockedWords: string[];
  allowLinks: boolean;
}

/** The settings with the filter they compile to, as the lobby uses them per message. */
export interface LobbyRules extends LobbySettingsView {
  blocks: MessageFilter;
}

export const DEFAULT_LOBBY_SETTINGS: LobbySettingsView = { slowModeSeconds: 0, blockedWords: [], allowLinks: true };
export const SLOW_MODE_MAX_SECONDS = 3600;

/**
 * Stores each app's lobby settings and hands the lobby its rules. Every lobby message needs them, so each app's
 * rules are read once and kept on every instance (AnnouncedCache: settings change only through `update`).
 */
@Injectable()
export class LobbySettingsService implements OnModuleInit, OnModuleDestroy {
  private readonly rules: AnnouncedCache<LobbyRules>;
  /**
   * One app's row by a statement rather than TypeORM's `findBy`: the lobby reads it for every app in use, again
   * once per CACHE_TTL_MS on every instance, and at each app's first `auth` after a start.
   */
  private readonly readOne: PreparedRead<[number], StoredSettings>;

  constructor(
    @InjectRepository(LobbySettingsEntity) private readonly settings: Repository<LobbySettingsEntity>,
    @Inject(lobbySettings.KEY) private readonly lobby: ConfigType<typeof lobbySettings>,
    @Inject(cacheSettings.KEY) cache: ConfigType<typeof cacheSettings>,
    bus: DeliveryBus,
    clock: Clock,
    @InjectDataSource() dataSource: DataSource,
  ) {
    this.rules = new AnnouncedCache(bus, 'lobby-settings', clock, cache);
    this.readOne = preparedRead(
      dataSource,
      `SELECT "slow_mode_seconds" AS "slowModeSeconds", "blocked_words" AS "blockedWords", "allow_links" AS "allowLinks"
        FROM "lobby_settings" WHERE "app_id" = ?`,
    );
  }

  onModuleInit(): Promise<void> {
    return this.rules.open();
  }

  onModuleDestroy(): void {
    this.rules.close();
  }

  /** The lobby's rules for an app (the defaults when none were set). */
  rulesOf(appId: number): Promise<LobbyRules> {
    return this.rules.load(appId, async () => {
      const view = await this.viewOf(appId);
      return { ...view, blocks: compileFilter(view) };
    });
  }

  async viewOf(appId: number): Promise<LobbySettingsView> {
    const [row] = await this.readOne(appId);
    return row ? toView(row) : { ...DEFAULT_LOBBY_SETTINGS };
  }

  /** Settings of several apps in one query; apps with none set are absent. */
  async viewsOf(appIds: number[]): Promise<Map<number, LobbySettingsView>> {
    if (appIds.length === 0) return new Map();
    const rows = await this.settings.findBy({ appId: In(appIds) });
    return new Map(rows.map((row) => [row.appId, toView(row)]));
  }

  /** Throws InvalidInputError, naming each broken rule, unless `changes` could be stored. */
  check(changes: Partial<LobbySettingsView>): void {
    const problems: string[] = [];
    const { slowModeSeconds, blockedWords } = changes;
    if (
      slowModeSeconds !== undefined &&
      (!Number.isInteger(slowModeSeconds) || slowModeSeconds < 0 || slowModeSeconds > SLOW_MODE_MAX_SECONDS)
    ) {
      problems.push(`slowModeSeconds must be a whole number from 0 to ${SLOW_MODE_MAX_SECONDS}`);
    }
    if (blockedWords !== undefined) {
      const { blockedWordsMax: most, blockedWordMaxLength: longest } = this.lobby;
      if (blockedWords.length > most) problems.push(`blockedWords must hold at most ${most} words`);
      if (blockedWords.some((word) => word.trim().length < 1 || [...word.trim()].length > longest)) {
        problems.push(`each blocked word must be 1-${longest} characters, not blank`);
      }
    }
    if (problems.length) throw new InvalidInputError(problems[0], problems);
  }

  /** Stores the given settings (the rest keep their values) and returns the settings before and after. */
  async update(
    appId: number,
    changes: Partial<LobbySettingsView>,
  ): Promise<{ before: LobbySettingsView; after: LobbySettingsView }> {
    this.check(changes);
    const before = await this.viewOf(appId);
    const stored: Partial<LobbySettingsEntity> = {};
    if (changes.slowModeSeconds !== undefined) stored.slowModeSeconds = changes.slowModeSeconds;
    if (changes.blockedWords !== undefined) stored.blockedWords = JSON.stringify(uniqueWords(changes.blockedWords));
    if (changes.allowLinks !== undefined) stored.allowLinks = changes.allowLinks;
    // Only the given columns are written, so two changes of different settings at once both hold.
    await this.settings
      .createQueryBuilder()
      .insert()
      .values({ appId, ...DEFAULT_LOBBY_SETTINGS, blockedWords: '[]' })
      .orIgnore()
      .execute();
    if (Object.keys(stored).length) await this.settings.update({ appId }, stored);
    this.rules.changed(appId);
    const after = await this.viewOf(appId);
    return { before, after };
  }
}

/** Trimmed, each word once in any letter case (the first spelling kept). */
function uniqueWords(words: string[]): string[] {
  const seen = new Set<string>();
  return words
    .map((word) => word.trim())
    .filter((word) => !seen.has(word.toLowerCase()) && seen.add(word.toLowerCase()));
}

/** A row's settings as read: SQLite gives 0 or 1 for a boolean. */
type StoredSettings = Pick<LobbySettingsEntity, 'slowModeSeconds' | 'blockedWords'> & { allowLinks: boolean | number };

function toView(row: StoredSettings): LobbySettingsView {
  return {
    slowModeSeconds: row.slowModeSeconds,
    blockedWords: JSON.parse(row.blockedWords) as string[],
    allowLinks: Boolean(row.allowLinks),
  };
}
