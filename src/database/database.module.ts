import { Global, Module } from '@nestjs/common';
import { StorageHealth } from './storage-health.js';

/** Storage state every module may consult (the message writer now, a readiness endpoint later). */
@Global()
@Module({
  providers: [StorageHealth],
  exports: [StorageHealth],
})
export class DatabaseModule {}
