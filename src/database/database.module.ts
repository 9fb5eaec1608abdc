import { Module } from '@nestjs/common';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { StorageHealth } from './storage-health.js';

/** Storage state for the modules that consult it (the message writer, readiness), and SQLite's checkpoints. */
@Module({
  providers: [StorageHealth, SqliteCheckpointer],
  exports: [StorageHealth],
})
export class DatabaseModule {}
