/**
 * The job worker (DESIGN.md "jobs"): graphile-worker on the application's PostgreSQL (its own
 * schema `graphile_worker`, migrated by graphile-worker on start), fed by the outbox relay.
 *
 * - `notify_applicant` — one job per `dossier.event` outbox message: emails the applicant when the
 *   event concerns them (notification.templates.ts), at most once (notifications.service.ts).
 * - `send_alert` — one job per `dossier.alert` message: the reminder or escalation emails.
 * - `periodic_scans` — every minute (crontab): every registered scan, the deadline scan first.
 *
 * `serve` runs this in-process unless MOTCUA_JOBS=off; `motcua worker` runs only this, in as many
 * processes as needed (relays share the outbox with SKIP LOCKED, workers share the queue).
 */
import { EventEmitter } from 'node:events';
import {
  type JobHelpers,
  Logger,
  type LogLevel,
  type Runner,
  run,
  type TaskList,
  type WorkerEvents,
} from 'graphile-worker';
import pg from 'pg';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { registerAccountJobs } from '../accounts/accounts.jobs.ts';
import { closeIncompleteSupplements } from '../dossiers/dossier.scans.ts';
import { foldStatDeltas } from '../indicators/indicators.service.ts';
import { registerIntegrationJobs } from '../integration/integration.jobs.ts';
import { type DevMailbox, type Mailer, openMailer } from '../notifications/mail.transport.ts';
import { alertEmail, DossierEventMessage } from '../notifications/notification.templates.ts';
import { applicantEmailFor } from '../notifications/notifications.applicant.ts';
import { deliverOnce } from '../notifications/notifications.service.ts';
import { runDeadlineScan } from './deadline.scan.ts';
import { type Liveness, startLiveness } from './jobs.liveness.ts';
import { type OutboxJobPayload, startOutboxRelay } from './outbox.relay.ts';

export type JobLog = (level: LogLevel, message: string) => void;

/** What every task and scan gets. */
export type JobContext = { db: Db; config: Config; mailer: Mailer; log: JobLog };

/** A task: the payload graphile-worker stored, the context, and graphile-worker's helpers. */
export type JobTask = (payload: unknown, ctx: JobContext, helpers: JobHelpers) => Promise<void>;

/** A periodic scan; it must be idempotent (it runs every minute, in one worker at a time per tick). */
export type ScanHandler = (ctx: JobContext, now: Date) => Promise<unknown>;

const Email = z.email();

async function notifyApplicant(payload: unknown, ctx: JobContext): Promise<void> {
  const job = payload as OutboxJobPayload;
  const parsed = DossierEventMessage.safeParse(job.message);
  if (!parsed.success) {
    // A malformed message will not get better by retrying.
    ctx.log('warning', `notify_applicant: outbox ${job.outboxId} is not a dossier event message; skipped`);
    return;
  }
  const e = parsed.data;
  const email = await applicantEmailFor(ctx.db, e, ctx.config.publicUrl);
  if (!email) return;
  let to = e.applicantEmail ?? null;
  if (!to && e.applicantUserId) {
    const u = await ctx.db.selectFrom('users').select('email').where('id', '=', e.applicantUserId).executeTakeFirst();
    to = u?.email ?? null;
  }
  if (!to || !Email.safeParse(to).success) return;
  await deliverOnce(ctx.db, ctx.mailer, {
    dossierId: e.dossierId,
    eventVersion: e.version,
    kind: e.eventType,
    recipient: to,
    recipientUserId: e.applicantUserId ?? null,
    subject: email.subject,
    body: email.text,
  });
}

async function sendAlert(payload: unknown, ctx: JobContext): Promise<void> {
  const job = payload as OutboxJobPayload;
  const alertId = String(job.message.alertId ?? '');
  if (!/^\d+$/.test(alertId)) return;
  const a = await ctx.db
    .selectFrom('dossier_alerts as a')
    .innerJoin('dossiers as d', 'd.id', 'a.dossier_id')
    .leftJoin('users as u', 'u.id', 'd.main_assignee_id')
    .select([
      'a.id',
      'a.kind',
      'a.deadline',
      'a.recipients',
      'a.created_at',
      'd.id as dossier_id',
      'd.code',
      'd.procedure_name',
      'd.applicant_name',
      'd.current_step',
      'd.workflow',
      'u.full_name as assignee_name',
    ])
    .where('a.id', '=', alertId)
    .executeTakeFirst();
  if (!a) return;
  const steps = (a.workflow as { steps?: { id: string; name_vi?: string }[] } | null)?.steps ?? [];
  const stepName = steps.find((s) => s.id === a.current_step)?.name_vi ?? a.current_step;
  const errors: unknown[] = [];
  for (const r of a.recipients) {
    const email = alertEmail(
      {
        kind: a.kind,
        code: a.code,
        procedureName: a.procedure_name,
        applicantName: a.applicant_name,
        stepName,
        deadline: a.deadline,
        raisedAt: a.created_at,
        assigneeName: a.assignee_name,
        recipientName: r.name,
        dossierId: a.dossier_id,
      },
      ctx.config.publicUrl,
    );
    try {
      await deliverOnce(ctx.db, ctx.mailer, {
        dossierId: a.dossier_id,
        alertId: a.id,
        kind: a.kind,
        recipient: r.email,
        recipientUserId: r.userId,
        subject: email.subject,
        body: email.text,
      });
    } catch (err) {
      // Try every recipient; the retry sends only to those not yet marked sent.
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} alert emails failed`);
}

const scans = new Map<string, ScanHandler>([
  ['deadlines', (ctx, now) => runDeadlineScan(ctx.db, now, { reminderWorkingHours: ctx.config.reminderWorkingHours })],
  // Decree 118/2025 art. 19(5): closed 15 days after an unanswered supplement request.
  ['supplement_timeouts', (ctx, now) => closeIncompleteSupplements(ctx.db, now)],
  // Indicator aggregates (migration 0007): fold the deltas written by dossier transactions.
  ['stat_deltas', (ctx) => foldStatDeltas(ctx.db).then(() => undefined)],
]);

/** Add a periodic scan (run every minute by the `periodic_scans` job, after those registered before). */
export function registerScan(name: string, fn: ScanHandler): void {
  scans.set(name, fn);
}

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

const tasks = new Map<string, JobTask>([
  ['notify_applicant', notifyApplicant],
  ['send_alert', sendAlert],
  ['periodic_scans', (_payload, ctx) => runScans(ctx, new Date())],
]);

/** Add a task; route outbox topics to it with `routeTopic` (outbox.relay.ts) or add jobs with `graphile_worker.add_job`. */
export function registerTask(identifier: string, fn: JobTask): void {
  tasks.set(identifier, fn);
}

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

export async function startJobs(opts: StartJobsOptions): Promise<Jobs> {
  // Webhooks and the national portal (modules/integration); registered here, not at import, to keep the import cycle inert.
  registerIntegrationJobs();
  // Verification codes by email and SMS (modules/accounts, notifications/sms.*).
  registerAccountJobs();
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
