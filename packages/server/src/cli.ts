import cluster from 'node:cluster';
import { OFFICER_ROLES, type OfficerRole } from '@motcua/core';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from './config.ts';
import { migrateToLatest } from './db/database.ts';
import { createOfficer } from './modules/accounts/accounts.service.ts';
import { findAgencyByCode } from './modules/agencies/agencies.service.ts';
import { verifyAuditChain } from './modules/audit/audit.service.ts';
import { registerBackupCommands } from './modules/backup/backup.cli.ts';
import { registerCalendarCommands } from './modules/calendar/calendar.cli.ts';
import { registerGovstackCommands } from './modules/govstack/govstack.cli.ts';
import { registerJobCommands } from './modules/jobs/jobs.cli.ts';
import { type OpenedDatabase, openDatabase } from './runtime.ts';
import { seedDemo } from './seed/seed.ts';
import { serveCluster } from './serve.cluster.ts';
import { serve } from './serve.ts';

const out = (m: string) => process.stdout.write(`${m}\n`);
/** Operator commands are audited as the system, with `cli` as their request id. */
const SYSTEM = { actor: { kind: 'anonymous' as const }, requestId: 'cli', system: true };

async function withDatabase<T>(fn: (o: OpenedDatabase) => Promise<T>): Promise<T> {
  const opened = await openDatabase(loadConfig());
  try {
    return await fn(opened);
  } finally {
    await opened.close();
  }
}

function parseWorkers(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('a whole number from 1 to 64');
  return n;
}

export function buildCli(): Command {
  const program = new Command('motcua')
    .description('motcua — Hệ thống thông tin giải quyết TTHC: operator commands')
    .showHelpAfterError();

  program
    .command('serve')
    .description('start the HTTP server (migrates and seeds the demo province on first start)')
    .option('--no-seed', 'do not seed the demo province')
    .addOption(
      new Option('--workers <n>', 'API processes on the port (node:cluster; jobs stay in the primary)')
        .env('MOTCUA_WORKERS')
        .default(1)
        .argParser(parseWorkers),
    )
    .action(async (o: { seed: boolean; workers: number }) => {
      // A cluster worker runs this same command line (cluster.fork): serve.cluster.ts tells them apart.
      if (o.workers > 1 || cluster.isWorker) await serveCluster({ seed: o.seed, workers: o.workers });
      else await serve({ seed: o.seed });
    });

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(() =>
      withDatabase(async ({ db }) => {
        const applied = await migrateToLatest(db);
        out(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      }),
    );

  program
    .command('seed')
    .description('seed the demo province (only into a database without agencies)')
    .action(() =>
      withDatabase(async ({ db }) => {
        await migrateToLatest(db);
        const r = await seedDemo(db);
        out(
          r.seeded
            ? `seeded ${r.agencies} agencies and ${r.users} users`
            : 'database already has agencies; nothing seeded',
        );
      }),
    );

  program
    .command('create-user')
    .description('create an officer account')
    .requiredOption('--username <username>')
    .requiredOption('--name <full name>')
    .requiredOption('--agency <code>', 'agency identifier code, e.g. 000.00.02.H17')
    .addOption(new Option('--role <role...>', 'one or more roles').choices(OFFICER_ROLES).makeOptionMandatory())
    .option('--password <password>', 'initial password (or MOTCUA_PASSWORD)')
    .action((o: { username: string; name: string; agency: string; role: OfficerRole[]; password?: string }) =>
      withDatabase(async ({ db }) => {
        const password = o.password ?? process.env.MOTCUA_PASSWORD;
        if (!password) throw new Error('give --password or set MOTCUA_PASSWORD');
        const agency = await findAgencyByCode(db, o.agency);
        if (!agency) throw new Error(`no agency with code ${o.agency}`);
        const id = await createOfficer(
          db,
          { username: o.username, fullName: o.name, agencyId: agency.id, roles: o.role, password },
          SYSTEM,
        );
        out(`created ${o.username} (${id}) at ${agency.name} with roles ${o.role.join(', ')}`);
      }),
    );

  const audit = program.command('audit').description('audit log');
  audit
    .command('verify')
    .description('verify the hash chain; exits 1 and names the first broken row')
    .action(() =>
      withDatabase(async ({ db }) => {
        const r = await verifyAuditChain(db);
        if (r.ok) {
          out(`audit chain OK: ${r.checked} rows verified`);
        } else {
          out(`audit chain BROKEN at row id ${r.brokenId} (${r.reason}); ${r.checked} other rows verified`);
          process.exitCode = 1;
        }
      }),
    );

  registerCalendarCommands(program);
  registerJobCommands(program);
  registerBackupCommands(program);
  registerGovstackCommands(program);
  return program;
}

/**
 * Run one command. One-shot commands end the process with their own exit code: the embedded
 * PostgreSQL package installs an exit hook that would otherwise turn a failure into exit 0.
 */
export async function runCli(argv: string[]): Promise<void> {
  let longRunning = false;
  try {
    const program = buildCli();
    program.hook('preAction', (_p, action) => {
      longRunning = action.name() === 'serve' || action.name() === 'worker';
    });
    await program.parseAsync(argv);
  } catch (err) {
    const e = err as { detail?: { en: string }; code?: string; message?: string };
    process.stderr.write(`motcua: ${e.detail?.en ?? e.message ?? e.code ?? String(err)}\n`);
    process.exitCode = 1;
  }
  if (!longRunning) process.exit(process.exitCode ?? 0);
}
