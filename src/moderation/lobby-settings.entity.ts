import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An app's lobby moderation settings. Keyed by app id with no foreign key: the app may live in a remote user
 * directory, and its staff can still set slow mode from the lobby. An app without a row has the defaults.
 */
@Entity('lobby_settings')
export class LobbySettingsEntity {
  @PrimaryColumn({ name: 'app_id', type: 'integer' })
  appId: number;

  /** Seconds a member waits between two messages; 0 is off. */
  @Column({ name: 'slow_mode_seconds', type: 'integer' })
  slowModeSeconds: number;

  /** The blocked words as a JSON array of strings, as the API was given them. */
  @Column({ name: 'blocked_words', type: 'text' })
  blockedWords: string;

  @Column({ name: 'allow_links', type: 'boolean' })
  allowLinks: boolean;
}
