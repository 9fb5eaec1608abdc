import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../common/clock.js';
import { SharedReads } from '../common/shared-reads.js';
import { lobbySettings } from '../config/areas/lobby.settings.js';
import { recoverySettings } from '../config/areas/recovery.settings.js';
import { MessagesService } from '../messages/messages.service.js';
import { ModerationLog } from '../moderation/moderation-log.service.js';
import { Metrics } from '../operations/metrics.js';
import { LobbyHistory, toLobbyMessage } from './lobby-history.js';
import type { LobbyMessage, LobbySession } from './lobby.types.js';

/** What a reconnecting reader is sent instead of the newest history (docs/recovery.md). */
export interface CatchUp {
  /** Every message after its `since`, oldest first; the newest ones when cut. */
  history: LobbyMessage[];
  /** False when RECOVERY_MAX_MESSAGES or RECOVERY_WINDOW_MS cut `history`: the reader should reload. */
  recovered: boolean;
  /** Ids up to its `since` deleted within RECOVERY_WINDOW_MS: it may hold them and should drop them. */
  deleted: number[];
}

/**
 * The lobby's history reads for auth replies: the newest LOBBY_HISTORY_SIZE messages (shared by the sockets
 * entering together, see LobbyRooms), and the catch-up of a reader that says which message it holds last, answered
 * from those when they reach back far enough and by one query otherwise, shared by the readers asking for the same
 * `since` at the same time (the sockets of one reconnect storm hold mostly the same last message). Both are counted
 * in chatgate_history_reads_total.
 */
@Injectable()
export class LobbyCatchUp {
  private readonly catchUps = new SharedReads<string, { messages: LobbyMessage[]; complete: boolean }>();

  constructor(
    private readonly messages: MessagesService,
    private readonly log: ModerationLog,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    @Inject(lobbySettings.KEY) private readonly lobby: ConfigType<typeof lobbySettings>,
    @Inject(recoverySettings.KEY) private readonly recovery: ConfigType<typeof recoverySettings>,
  ) {}

  /** The lobby's newest messages, as shared by the sockets entering it. */
  async recent(chatId: number): Promise<LobbyHistory> {
    this.metrics.historyReads.inc({ protocol: 'lobby', kind: 'recent' });
    const size = this.lobby.historySize;
    return new LobbyHistory(await this.messages.recent(chatId, size), size);
  }

  /** What a reader holding the lobby's messages up to `since` missed; `recent` is the shared history. */
  async after(session: LobbySession, recent: LobbyHistory, since: number): Promise<CatchUp> {
    const { maxMessages: limit, windowMs: recoveryWindowMs } = this.recovery;
    const notBefore = this.clock.now() - recoveryWindowMs;
    const deletions = recent.deletions(() => {
      this.metrics.historyReads.inc({ protocol: 'lobby', kind: 'deletions' });
      return this.log.deletedSince(session.appId, notBefore, limit);
    });
    const missed =
      recent.after(since, limit, notBefore) ??
      (await this.catchUps.read(`${session.chatId}:${since}`, async () => {
        this.metrics.historyReads.inc({ protocol: 'lobby', kind: 'catch_up' });
        const read = await this.messages.after(session.chatId, since, limit, notBefore);
        return { messages: read.messages.map(toLobbyMessage), complete: read.complete };
      }));
    const deleted = (await deletions).filter((id) => id <= since);
    return { history: missed.messages, recovered: missed.complete, deleted };
  }
}
