import { Global, Module } from '@nestjs/common';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { StorageHealth } from './storage-health.js';

/** Storage state every module may consult (the message writer, readiness), and SQLite's checkpoints. */
@Global()
@Module({
  providers: [StorageHealth, SqliteCheckpointer],
  exports: [StorageHealth],
})
export class DatabaseModule {}
