import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../runtime.ts';
import { defaultStorage } from '../attachments/storage.ts';
import { backupDatabase, restoreDatabase } from './backup.service.ts';

const out = (m: string) => process.stdout.write(`${m}\n`);

/** `motcua backup <file>` / `motcua restore <file>` (docs/decisions/0004-backup-format.md). */
export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('write the database and the attachment files to one file (gzip, JSON lines)')
    .argument('<file>', 'backup file to write, e.g. motcua-2026-11-21.backup.gz')
    .action(async (file: string) => {
      const config = loadConfig();
      const opened = await openDatabase(config);
      try {
        const target = path.resolve(file);
        const s = await backupDatabase(opened.url, defaultStorage(config), target);
        out(
          `backup written to ${target}: ${s.tables} tables, ${s.rows} rows, ${s.jobs} queued jobs, ${s.blobs} files (schema ${s.migrations.at(-1) ?? 'empty'})`,
        );
      } finally {
        await opened.close();
      }
    });

  program
    .command('restore')
    .description('restore a backup into an empty database (and its files into the data directory)')
    .argument('<file>', 'backup file written by `motcua backup`')
    .action(async (file: string) => {
      const config = loadConfig();
      const opened = await openDatabase(config);
      try {
        const s = await restoreDatabase(opened.db, opened.url, defaultStorage(config), path.resolve(file));
        out(
          `restored ${s.tables} tables, ${s.rows} rows, ${s.jobs} queued jobs, ${s.blobs} files; migrations applied after: ${s.applied.length ? s.applied.join(', ') : 'none'}`,
        );
      } finally {
        await opened.close();
      }
    });
}
