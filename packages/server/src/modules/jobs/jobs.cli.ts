import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { migrateToLatest } from '../../db/database.ts';
import { startJobs } from '../../jobs.ts';
import { openDatabase } from '../../runtime.ts';

const out = (m: string) => process.stdout.write(`${m}\n`);

/** `motcua worker`: only the jobs (outbox relay, tasks, periodic scans); run several for more throughput. */
export function registerJobCommands(program: Command): void {
  program
    .command('worker')
    .description('run the job worker only: outbox relay, notifications, reminders (several processes may run)')
    .option('--concurrency <n>', 'jobs run at once by this process', (v) => Number.parseInt(v, 10), 4)
    .action(async (o: { concurrency: number }) => {
      const config = loadConfig();
      const opened = await openDatabase(config);
      let jobs: Awaited<ReturnType<typeof startJobs>>;
      try {
        await migrateToLatest(opened.db);
        jobs = await startJobs({ db: opened.db, connectionString: opened.url, config, concurrency: o.concurrency });
      } catch (err) {
        await opened.close().catch(() => undefined);
        throw err;
      }
      out(`motcua worker: running (concurrency ${o.concurrency})`);
      if (jobs.mailbox)
        out(`  mail: no MOTCUA_SMTP_URL, emails are saved in ${jobs.mailbox.dir} (SMTP ${jobs.mailbox.url})`);
      let closing = false;
      const shutdown = async (signal: string) => {
        if (closing) return;
        closing = true;
        out(`${signal}: stopping…`);
        await jobs.stop().catch(() => undefined);
        await opened.close().catch(() => undefined);
        process.exit(0);
      };
      process.on('SIGINT', () => void shutdown('SIGINT'));
      process.on('SIGTERM', () => void shutdown('SIGTERM'));
    });
}
