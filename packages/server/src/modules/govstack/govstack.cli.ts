import fs from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { migrateToLatest } from '../../db/database.ts';
import { openDatabase } from '../../runtime.ts';
import { loadGovstack, parseDataSet } from './govstack.loader.ts';

const out = (m: string) => process.stdout.write(`${m}\n`);

/** `motcua govstack load <file>`: the GovStack Registration BB data set into the database (idempotent). */
export function registerGovstackCommands(program: Command): void {
  const gs = program.command('govstack').description('GovStack Registration Building Block facade (/govstack)');
  gs.command('load')
    .description(
      'load a GovStack Registration BB data set (services, applications, tasks); running it twice changes nothing',
    )
    .argument('<file>', 'e.g. ../shared/specs/govstack-registration-bb-test-data.json')
    .option('--agency <code>', 'agency that handles the loaded services (default: Sở Tư pháp)')
    .action(async (file: string, o: { agency?: string }) => {
      const data = parseDataSet(fs.readFileSync(file, 'utf8'));
      const opened = await openDatabase(loadConfig());
      try {
        await migrateToLatest(opened.db);
        const r = await loadGovstack(opened.db, data, o.agency ? { agencyCode: o.agency } : {});
        out(
          `govstack: ${r.services} services, ${r.dossiers} application files, ${r.tasks} tasks; ${r.created} created`,
        );
        if (r.unpublished > 0) {
          out(
            `govstack: ${r.unpublished} services are drafts: an administrator publishes them (Quản trị › Thủ tục), then run load again to load their applications`,
          );
        }
      } finally {
        await opened.close();
      }
    });
}
