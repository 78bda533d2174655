/**
 * The job worker (DESIGN.md "jobs"): graphile-worker on the application's PostgreSQL (its own
 * schema `graphile_worker`, migrated by graphile-worker on start), fed by the outbox relay.
 *
 * - `periodic_scans` — every minute (crontab): every registered scan, in registration order.
 * - the modules' tasks and scans, registered through a JobRegistry by the composition root
 *   (src/jobs.ts: notifications, accounts, integration, dossiers, indicators).
 *
 * `serve` runs this in-process unless MOTCUA_JOBS=off; `motcua worker` runs only this, in as many
 * processes as needed (relays share the outbox with SKIP LOCKED, workers share the queue).
 */
import { EventEmitter } from 'node:events';
import { Logger, type Runner, run, type TaskList, type WorkerEvents } from 'graphile-worker';
import pg from 'pg';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { type DevMailbox, type Mailer, openMailer } from '../notifications/mail.transport.ts';
import { routeTopic, startOutboxRelay } from '../outbox/outbox.relay.ts';
import { type Liveness, startLiveness } from './jobs.liveness.ts';
import type { JobContext, JobLog, JobRegistry, JobTask, ModuleJobs, ScanHandler } from './jobs.types.ts';

export type { JobContext, JobLog, JobTask, ScanHandler } from './jobs.types.ts';

/** The scans, in the order the modules registered them (src/jobs.ts: the deadline scan first). */
const scans = new Map<string, ScanHandler>();

/** Run every registered scan once; one failing scan does not skip the others (its error is rethrown after). */
export async function runScans(ctx: JobContext, now: Date): Promise<void> {
  const errors: unknown[] = [];
  for (const [name, scan] of scans) {
    try {
      await scan(ctx, now);
    } catch (err) {
      ctx.log('error', `scan ${name} failed: ${(err as Error).message}`);
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `${errors.length} periodic scan(s) failed`);
}

const tasks = new Map<string, JobTask>([['periodic_scans', (_payload, ctx) => runScans(ctx, new Date())]]);

/**
 * What a module's `*.jobs.ts` registers into: tasks (route outbox topics to them, or add jobs with
 * `graphile_worker.add_job`) and periodic scans. Registering the same name again replaces it, so
 * starting the worker twice in one process (tests) is harmless.
 */
const registry: JobRegistry = {
  task: (identifier, fn) => void tasks.set(identifier, fn),
  scan: (name, fn) => void scans.set(name, fn),
  route: routeTopic,
};

export function taskIdentifiers(): string[] {
  return [...tasks.keys()];
}

/** Every minute; a missed tick is not made up (the next scan covers it), one attempt per tick. */
const CRONTAB = '* * * * * periodic_scans ?max=1';

export type StartJobsOptions = {
  db: Db;
  /** The same database as `db`: graphile-worker opens its own pool and LISTEN connection. */
  connectionString: string;
  config: Config;
  /** Jobs run at once by this process (default 4). */
  concurrency?: number;
  /** graphile-worker's poll for future and retried jobs in ms (default 2000; new jobs come by LISTEN). */
  pollInterval?: number;
  /** Outbox relay poll in ms (default 300). */
  relayIntervalMs?: number;
  /** Attempts of an outbox job before it is failed for good (default 25: about three days of backoff). */
  maxAttempts?: number;
  /** Run the periodic scans from the crontab (default true; tests call them directly). */
  cron?: boolean;
  /** Default: SMTP to `config.smtpUrl`, or the development mailbox. */
  mailer?: Mailer;
  /** Default: errors and warnings to stderr. */
  log?: JobLog;
};

export type Jobs = {
  /** The development mailbox, when no SMTP server is configured. */
  mailbox: DevMailbox | null;
  /** Stop relaying, let running jobs finish, close the mail transport. */
  stop(): Promise<void>;
  /** Shutdown has begun (the database may already be going away): connection errors are expected, not logged. */
  quiet(): void;
};

const stderrLog: JobLog = (level, message) => {
  if (level === 'error' || level === 'warning') process.stderr.write(`motcua jobs ${level}: ${message}\n`);
};

/**
 * Start the worker with the jobs of `modules` (each a module's registration function, passed in by
 * the composition root src/jobs.ts: the worker imports no module's jobs, so no import cycle).
 */
export async function startJobRunner(opts: StartJobsOptions, modules: readonly ModuleJobs[]): Promise<Jobs> {
  for (const register of modules) register(registry);
  const log = opts.log ?? stderrLog;
  const opened = opts.mailer ? { mailer: opts.mailer, mailbox: null } : await openMailer(opts.config);
  const ctx: JobContext = { db: opts.db, config: opts.config, mailer: opened.mailer, log };
  const taskList: TaskList = {};
  for (const [name, fn] of tasks) taskList[name] = (payload, helpers) => fn(payload, ctx, helpers);

  // Jobs of a killed worker process run again within seconds (jobs.liveness.ts).
  const events = new EventEmitter() as WorkerEvents;
  let liveness: Liveness | undefined;
  let runner: Runner;
  let stopping = false;
  // graphile-worker's pool is ours, with an 'error' listener for its whole life: when the database
  // goes away first (Ctrl+C reaches the embedded PostgreSQL too, it is in the same process group),
  // an idle client's error after the runner let go of the pool must not crash the process.
  const pgPool = new pg.Pool({
    connectionString: opts.connectionString,
    max: Math.max(10, (opts.concurrency ?? 4) + 2),
  });
  pgPool.on('error', (err) => {
    if (!stopping) log('error', `job pool: ${err.message}`);
  });
  const quietLog: JobLog = (level, message) => {
    if (!stopping) log(level, message);
  };
  try {
    liveness = await startLiveness({
      connectionString: opts.connectionString,
      events,
      onError: (err) => quietLog('error', `job liveness: ${(err as Error).message}`),
      onFreed: (id, n) => quietLog('warning', `${n} job(s) of dead worker ${id} freed to run again`),
    });
    runner = await run({
      events,
      pgPool,
      concurrency: opts.concurrency ?? 4,
      pollInterval: opts.pollInterval ?? 2000,
      noHandleSignals: true,
      taskList,
      ...(opts.cron === false ? {} : { crontab: CRONTAB }),
      logger: new Logger(() => (level, message) => quietLog(level, message)),
    });
  } catch (err) {
    await liveness?.stop().catch(() => undefined);
    await pgPool.end().catch(() => undefined);
    if (!opts.mailer) await opened.mailer.close().catch(() => undefined);
    throw err;
  }
  runner.promise.catch((err: unknown) => log('error', `job runner stopped: ${(err as Error).message}`));

  // The relay starts after graphile-worker has migrated its schema (add_job must exist).
  const relay = startOutboxRelay(opts.db, {
    intervalMs: opts.relayIntervalMs ?? 300,
    maxAttempts: opts.maxAttempts ?? 25,
    onError: (err) => log('error', `outbox relay: ${(err as Error).message}`),
  });

  let stopped: Promise<void> | undefined;
  return {
    mailbox: opened.mailbox,
    quiet() {
      stopping = true;
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        await relay.stop();
        await runner.stop().catch(() => undefined);
        await liveness?.stop().catch(() => undefined);
        await pgPool.end().catch(() => undefined);
        if (!opts.mailer) await opened.mailer.close().catch(() => undefined);
      })();
      return stopped;
    },
  };
}
