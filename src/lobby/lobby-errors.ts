import { Refusal } from '../common/refusal.js';

export type LobbyRefusalCode =
  | 'auth_not_object'
  | 'auth_no_app_id'
  | 'auth_no_callback'
  | 'auth_bad_since'
  | 'app_not_found'
  | 'user_required'
  | 'muted'
  | 'text_not_string'
  | 'text_length'
  | 'not_authorized'
  | 'invalid_unmute'
  | 'invalid_mute'
  | 'invalid_delete'
  | 'invalid_purge'
  | 'invalid_slow'
  | 'slow_mode'
  | 'filtered'
  | 'rate_limited'
  | 'auth_throttled'
  | 'too_many_connections'
  | 'origin_not_allowed';

const HTTP_STATUS: Partial<Record<LobbyRefusalCode, number>> = {
  app_not_found: 404,
  user_required: 401,
  muted: 403,
  not_authorized: 403,
  slow_mode: 429,
  filtered: 403,
  rate_limited: 429,
  auth_throttled: 429,
  too_many_connections: 429,
  origin_not_allowed: 403,
};

/** Why the lobby refused something. The lobby gateway words it (`lobby-replies.ts`); REST answers its status. */
export class LobbyRefusal extends Refusal<LobbyRefusalCode> {
  constructor(code: LobbyRefusalCode) {
    super(code, code, HTTP_STATUS[code] ?? 400);
  }
}

/** Slow mode held a member's message back: they may post again in `waitSeconds` (rounded up). */
export class SlowModeRefusal extends LobbyRefusal {
  constructor(readonly waitSeconds: number) {
    super('slow_mode');
  }
}
