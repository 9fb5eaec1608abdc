import type { DataSource } from 'typeorm';
import { preparedRead } from '../database/prepared-reads.js';
import type { AppStaffRole } from './app-staff.entity.js';

/** Who may do what in an app's lobby: its staff and the origins whose pages may join it. */
export interface AppAccess {
  id: number;
  owners: string[];
  mods: string[];
  /** Empty allows any. */
  origins: string[];
}

/** An app's access, or null when there is no such app. */
export type ReadAppAccess = (appId: number) => Promise<AppAccess | null>;

/** One row per staff member, or one with no staff columns for an app without staff. */
type Row = {
  id: number;
  allowedOrigins: string | null;
  role: AppStaffRole | null;
  uname: string | null;
  unameKey: string | null;
};

type Staff = { role: AppStaffRole; uname: string; unameKey: string };

/**
 * One statement rather than TypeORM's `findOne` with the staff relation, which sends two (a DISTINCT over the join to
 * page it, then the rows) before the lobby settings' own: every lobby `auth` the directory cache does not answer reads
 * its app, and in a cluster each instance reads every app in use again once per CACHE_TTL_MS.
 */
export function appAccessReader(dataSource: DataSource): ReadAppAccess {
  const read = preparedRead<[number], Row>(
    dataSource,
    `SELECT a."id", a."allowed_origins" AS "allowedOrigins", s."role", s."uname", s."uname_key" AS "unameKey"
      FROM "apps" a LEFT JOIN "app_staff" s ON s."app_id" = a."id" WHERE a."id" = ?`,
  );
  return async (appId) => {
    const rows = await read(appId);
    if (rows.length === 0) return null;
    const { id, allowedOrigins } = rows[0];
    const staff = rows.flatMap(({ role, uname, unameKey }) =>
      role && uname && unameKey ? [{ role, uname, unameKey }] : [],
    );
    return { id, ...staffLists(staff), origins: storedOriginList(allowedOrigins) };
  };
}

/** Owners and mods, each list in the order of their uname keys (as the API lists them). */
export function staffLists(staff: readonly Staff[]): Pick<AppAccess, 'owners' | 'mods'> {
  const sorted = [...staff].sort((a, b) => a.unameKey.localeCompare(b.unameKey));
  return {
    owners: sorted.filter((s) => s.role === 'owner').map((s) => s.uname),
    mods: sorted.filter((s) => s.role === 'mod').map((s) => s.uname),
  };
}

/** The origins as stored: a JSON array, or null for none. */
export function storedOriginList(stored: string | null): string[] {
  return stored ? (JSON.parse(stored) as string[]) : [];
}
