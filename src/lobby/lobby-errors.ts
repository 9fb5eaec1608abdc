/** Why the lobby refused something. Only the lobby gateway turns these into protocol words. */
export class LobbyRefusal extends Error {
  constructor(
    readonly reason:
      | 'app_not_found'
      | 'user_required'
      | 'muted'
      | 'text_not_string'
      | 'text_length'
      | 'not_authorized'
      | 'invalid_unmute'
      | 'invalid_mute',
  ) {
    super(reason);
  }
}
