import { performance } from 'node:perf_hooks';
import { type Config, loadConfig } from './config.ts';
import { type Db, migrateToLatest } from './db/database.ts';
import { type AppState, buildApp } from './http/app.ts';
import { type Jobs, startJobs } from './jobs.ts';
import { deleteExpiredSessions } from './modules/accounts/sessions.ts';
import { startLocalIdentityProviders } from './modules/identity/local-idp.start.ts';
import { localNationalPortal } from './modules/integration/nationalportal.simulator.ts';
import { startLocalRegisters } from './modules/registers/registers.service.ts';
import { type OpenedDatabase, openDatabase } from './runtime.ts';
import { DEMO_PASSWORD } from './seed/demo-province.ts';
import { DEMO_IDP_PASSWORD } from './seed/demo-residents.ts';
import { demoLogins, seedDemo } from './seed/seed.ts';
import { deleteStaleRateLimits } from './shared/rate-limits.ts';

export type Say = (m: string) => void;
export const say: Say = (m) => process.stdout.write(`${m}\n`);

/** What the database holds after start: migrations applied, whether the demo was seeded, the jobs. */
export type Prepared = { applied: string[]; seeded: { seeded: boolean }; jobs: Jobs | undefined };

/** Migrations, the first-start seed and (config.jobsInProcess) the job worker: once per machine. */
export async function prepareDatabase(opened: OpenedDatabase, config: Config, seed: boolean): Promise<Prepared> {
  const applied = await migrateToLatest(opened.db);
  const seeded = seed ? await seedDemo(opened.db) : { seeded: false };
  const jobs = config.jobsInProcess
    ? await startJobs({ db: opened.db, connectionString: opened.url, config })
    : undefined;
  return { applied, seeded, jobs };
}

/** The hourly sweep of expired sessions and stale rate-limit counters. */
export function startSweep(db: Db): NodeJS.Timeout {
  const sweep = setInterval(() => {
    void deleteExpiredSessions(db).catch(() => undefined);
    void deleteStaleRateLimits(db).catch(() => undefined);
  }, 3_600_000);
  sweep.unref();
  return sweep;
}

export type BannerInfo = Prepared & {
  config: Config;
  opened: OpenedDatabase;
  t0: number;
  tDb: number;
  /** `--workers N` (N > 1): the API processes, by cluster id and pid. */
  workers?: { id: number; pid: number }[];
};

/** The startup banner: where it runs, the database, how long it took, the jobs, the demo logins. */
export async function printBanner(b: BannerInfo): Promise<void> {
  const { config, opened, jobs } = b;
  const ms = (a: number, z: number) => `${Math.round(z - a)} ms`;
  say('');
  say(`motcua đang chạy / is running: ${config.publicUrl}`);
  say(`  API docs: ${config.publicUrl}/docs   health: ${config.publicUrl}/healthz`);
  say(
    `  database: ${opened.embedded ? `embedded PostgreSQL (${config.dataDir}/pg, 127.0.0.1:${config.embeddedPort})` : 'DATABASE_URL'}`,
  );
  if (config.readDatabaseUrl)
    say(
      `  read replica: MOTCUA_READ_DATABASE_URL (dashboard, reports, lookup; lag ≤ ${config.readMaxLagSeconds} s, /readyz)`,
    );
  say(
    `  startup: ${ms(b.t0, performance.now())} (database ${ms(b.t0, b.tDb)}; migrations applied: ${b.applied.length}; demo seed: ${b.seeded.seeded ? 'created' : 'present'})`,
  );
  if (b.workers) {
    say(`  API workers: ${b.workers.length} processes on port ${config.port} (primary pid ${process.pid})`);
    for (const w of b.workers) say(`    API worker ${w.id}: pid ${w.pid}`);
  }
  const where = b.workers ? 'running in the primary process' : 'running in this process';
  say(`  jobs: ${jobs ? where : "off (MOTCUA_JOBS=off): run 'motcua worker'"}`);
  // No national portal configured: pushes go to the local simulator (docs/integration.md).
  if (jobs && !config.nationalPortalUrl) {
    say(`  national portal: simulator at ${(await localNationalPortal()).url} (set MOTCUA_NATIONAL_PORTAL_URL)`);
  }
  if (config.localIdentityProvider) {
    for (const p of config.identityProviders.filter((p) => /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(p.issuer))) {
      const who =
        p.id === 'vneid' ? 'VNeID (citizens, businesses)' : "the province's IdP (officers: chuyenvien.haichau)";
      say(`  sign-in: local stand-in for ${who} at ${p.issuer} (demo password "${DEMO_IDP_PASSWORD}")`);
    }
  }
  if (config.localRegisters && config.populationRegister)
    say(
      `  national registers: simulators of the population DB (${config.populationRegister.url}) and business registry (${config.businessRegister?.url}) (set MOTCUA_POPULATION_URL, MOTCUA_BUSINESS_REGISTRY_URL)`,
    );
  if (jobs?.mailbox)
    say(`  mail: no MOTCUA_SMTP_URL, emails are saved in ${jobs.mailbox.dir} (SMTP ${jobs.mailbox.url})`);
  say(`  demo logins (password "${DEMO_PASSWORD}"):`);
  for (const line of demoLogins()) say(`    ${line}`);
  say('');
}

/**
 * `npm start` / `motcua serve`: database (embedded unless DATABASE_URL), HTTP listening at once so
 * /healthz and /readyz answer, then migrations and the first-start seed; ready afterwards.
 * `--workers N` (N > 1) is serve.cluster.ts.
 */
export async function serve(opts: { seed?: boolean } = {}): Promise<void> {
  const t0 = performance.now();
  const config = loadConfig();
  const opened = await openDatabase(config);
  const tDb = performance.now();
  const state: AppState = { ready: false, migrating: true };
  const localIdps = await startLocalIdentityProviders(config);
  const localRegisters = await startLocalRegisters(config);
  const app = await buildApp({ db: opened.db, readDb: opened.readDb, config, state });
  await app.listen({ host: config.host, port: config.port });

  let prepared: Prepared;
  try {
    prepared = await prepareDatabase(opened, config, opts.seed !== false).finally(() => {
      state.migrating = false;
    });
  } catch (err) {
    // Not ready and never will be: stop rather than linger as a process that fails every request.
    await app.close().catch(() => undefined);
    await localIdps?.close().catch(() => undefined);
    await localRegisters?.close().catch(() => undefined);
    await opened.close().catch(() => undefined);
    throw err;
  }
  const { jobs } = prepared;
  state.ready = true;
  startSweep(opened.db);
  await printBanner({ ...prepared, config, opened, t0, tDb });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    say(`${signal}: stopping…`);
    // Ctrl+C reaches the embedded PostgreSQL too (same process group): its connections may end
    // before ours do, which is expected here and must neither be logged as an error nor crash.
    jobs?.quiet();
    await app.close().catch(() => undefined);
    await localIdps?.close().catch(() => undefined);
    await localRegisters?.close().catch(() => undefined);
    await jobs?.stop().catch(() => undefined);
    await opened.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
