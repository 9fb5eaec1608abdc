import { settingsArea } from '../settings-area.js';
import type { SettingsReader } from '../settings-reader.js';

/** The provisioning API (AdminTokenGuard). */
export interface AdminSettings {
  /** Bearer token of the provisioning API; null keeps the API closed. */
  readonly token: string | null;
}

export function readAdminSettings(read: SettingsReader): AdminSettings {
  let token = read.optional('ADMIN_TOKEN');
  if (token !== null && token.length < 16)
    token = read.invalid('ADMIN_TOKEN', 'must be at least 16 characters long', null);
  return { token };
}

export const adminSettings = settingsArea<AdminSettings>('admin');
