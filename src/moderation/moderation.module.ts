import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MetricsModule } from '../operations/metrics.module.js';
import { LobbyLastPostEntity } from './lobby-last-post.entity.js';
import { LobbySettingsEntity } from './lobby-settings.entity.js';
import { LobbySettingsService } from './lobby-settings.service.js';
import { ModerationLogEntity } from './moderation-log.entity.js';
import { ModerationLog } from './moderation-log.service.js';
import { SlowModeService } from './slow-mode.service.js';

/** What lobby moderation stores: per-app settings (slow mode, filters), members' last posts, the moderation log. */
@Module({
  imports: [TypeOrmModule.forFeature([LobbySettingsEntity, LobbyLastPostEntity, ModerationLogEntity]), MetricsModule],
  providers: [LobbySettingsService, SlowModeService, ModerationLog],
  exports: [LobbySettingsService, SlowModeService, ModerationLog],
})
export class ModerationModule {}
