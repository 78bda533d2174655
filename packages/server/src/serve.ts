import { performance } from 'node:perf_hooks';
import { loadConfig } from './config.ts';
import { migrateToLatest } from './db/database.ts';
import { type AppState, buildApp } from './http/app.ts';
import { type Jobs, startJobs } from './jobs.ts';
import { deleteExpiredSessions } from './modules/accounts/sessions.ts';
import { localNationalPortal } from './modules/integration/nationalportal.simulator.ts';
import { openDatabase } from './runtime.ts';
import { DEMO_PASSWORD } from './seed/demo-province.ts';
import { demoLogins, seedDemo } from './seed/seed.ts';
import { deleteStaleRateLimits } from './shared/rate-limits.ts';

/**
 * `npm start` / `motcua serve`: database (embedded unless DATABASE_URL), HTTP listening at once so
 * /healthz and /readyz answer, then migrations and the first-start seed; ready afterwards.
 */
export async function serve(opts: { seed?: boolean } = {}): Promise<void> {
  const t0 = performance.now();
  const config = loadConfig();
  const say = (m: string) => process.stdout.write(`${m}\n`);
  const opened = await openDatabase(config);
  const tDb = performance.now();
  const state: AppState = { ready: false, migrating: true };
  const app = await buildApp({ db: opened.db, config, state });
  await app.listen({ host: config.host, port: config.port });

  let applied: string[];
  let seeded: { seeded: boolean };
  let jobs: Jobs | undefined;
  try {
    applied = await migrateToLatest(opened.db);
    state.migrating = false;
    seeded = opts.seed === false ? { seeded: false } : await seedDemo(opened.db);
    if (config.jobsInProcess) jobs = await startJobs({ db: opened.db, connectionString: opened.url, config });
  } catch (err) {
    // Not ready and never will be: stop rather than linger as a process that fails every request.
    await app.close().catch(() => undefined);
    await opened.close().catch(() => undefined);
    throw err;
  }
  state.ready = true;
  const sweep = setInterval(() => {
    void deleteExpiredSessions(opened.db).catch(() => undefined);
    void deleteStaleRateLimits(opened.db).catch(() => undefined);
  }, 3_600_000);
  sweep.unref();

  const ms = (a: number, b: number) => `${Math.round(b - a)} ms`;
  say('');
  say(`motcua đang chạy / is running: ${config.publicUrl}`);
  say(`  API docs: ${config.publicUrl}/docs   health: ${config.publicUrl}/healthz`);
  say(
    `  database: ${opened.embedded ? `embedded PostgreSQL (${config.dataDir}/pg, 127.0.0.1:${config.embeddedPort})` : 'DATABASE_URL'}`,
  );
  say(
    `  startup: ${ms(t0, performance.now())} (database ${ms(t0, tDb)}; migrations applied: ${applied.length}; demo seed: ${seeded.seeded ? 'created' : 'present'})`,
  );
  say(`  jobs: ${jobs ? 'running in this process' : "off (MOTCUA_JOBS=off): run 'motcua worker'"}`);
  // No national portal configured: pushes go to the local simulator (docs/integration.md).
  if (jobs && !config.nationalPortalUrl) {
    say(`  national portal: simulator at ${(await localNationalPortal()).url} (set MOTCUA_NATIONAL_PORTAL_URL)`);
  }
  if (jobs?.mailbox)
    say(`  mail: no MOTCUA_SMTP_URL, emails are saved in ${jobs.mailbox.dir} (SMTP ${jobs.mailbox.url})`);
  say(`  demo logins (password "${DEMO_PASSWORD}"):`);
  for (const line of demoLogins()) say(`    ${line}`);
  say('');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    say(`${signal}: stopping…`);
    // Ctrl+C reaches the embedded PostgreSQL too (same process group): its connections may end
    // before ours do, which is expected here and must neither be logged as an error nor crash.
    jobs?.quiet();
    await app.close().catch(() => undefined);
    await jobs?.stop().catch(() => undefined);
    await opened.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
