import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module.js';
import { AppStaffEntity } from './app-staff.entity.js';
import { ModerationModule } from '../moderation/moderation.module.js';
import { AppEntity } from './app.entity.js';
import { AppsService } from './apps.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([AppEntity, AppStaffEntity]), UsersModule, ModerationModule],
  providers: [AppsService],
  exports: [AppsService],
})
export class AppsModule {}
