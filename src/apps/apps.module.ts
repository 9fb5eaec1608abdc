import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DirectoryChanges } from '../auth/directory-changes.js';
import { AppStaffEntity } from './app-staff.entity.js';
import { ModerationModule } from '../moderation/moderation.module.js';
import { AppEntity } from './app.entity.js';
import { AppsService } from './apps.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([AppEntity, AppStaffEntity]), ModerationModule],
  providers: [AppsService, DirectoryChanges],
  exports: [AppsService],
})
export class AppsModule {}
